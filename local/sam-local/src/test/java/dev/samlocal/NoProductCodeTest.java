package dev.samlocal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * sam-local knows no product, and stays readable: no file of its sources (main and test, Java or resources) names the
 * product's package, not even in a string that reflection could load. The compiler checks the rest (the module depends
 * on no product artifact).
 */
class NoProductCodeTest {

    /** Spelled in two pieces so this file passes its own check. */
    private static final String PRODUCT_PACKAGE = "com." + "liveshop";

    @Test
    void noSourceFileNamesTheProductsPackage() throws IOException {
        Path sources = Path.of("src");
        assertThat(sources).as("run from the sam-local module's directory").isDirectory();
        try (Stream<Path> files = Files.walk(sources)) {
            List<String> offending = files.filter(Files::isRegularFile)
                    .filter(NoProductCodeTest::namesTheProduct)
                    .map(Path::toString)
                    .toList();
            assertThat(offending)
                    .as("files under local/sam-local/src that name " + PRODUCT_PACKAGE)
                    .isEmpty();
        }
    }

    /** A class a newcomer can read in one sitting: the issue that made sam-local set 550 lines as the bound. */
    @Test
    void noMainClassIsLongerThan550Lines() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            List<String> tooLong = files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> lines(file) > 550)
                    .map(file -> file + " (" + lines(file) + " lines)")
                    .toList();
            assertThat(tooLong).as("sam-local classes over 550 lines").isEmpty();
        }
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean namesTheProduct(Path file) {
        try {
            return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .contains(PRODUCT_PACKAGE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
