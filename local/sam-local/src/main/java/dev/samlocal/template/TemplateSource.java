package dev.samlocal.template;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Which template.yaml the stack serves: the one given with --template, else the repository's (found from -Drepo.root or
 * upwards from the working directory), else the copy bundled into the jar at build time.
 */
public record TemplateSource(SamTemplate template, String description) {

    static final String BUNDLED = "sam-local/template.yaml";

    public static TemplateSource locate(Optional<Path> explicit) {
        if (explicit.isPresent()) {
            Path file = explicit.get().toAbsolutePath();
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("Template " + file + " does not exist");
            }
            return new TemplateSource(SamTemplate.load(file), file.toString());
        }
        try {
            Path file = SamTemplate.repoRoot().resolve("template.yaml");
            return new TemplateSource(SamTemplate.load(file), file.toString());
        } catch (IllegalStateException notInACheckout) {
            return bundled();
        }
    }

    static TemplateSource bundled() {
        try (InputStream in = TemplateSource.class.getClassLoader().getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException(
                        "No template.yaml in the working directory or its parents, and none bundled");
            }
            Path copy = Files.createTempFile("sam-local-template", ".yaml");
            copy.toFile().deleteOnExit();
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            return new TemplateSource(SamTemplate.load(copy), "the copy bundled in the jar (" + BUNDLED + ")");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the bundled template.yaml", e);
        }
    }
}
