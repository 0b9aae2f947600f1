package com.liveshop.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.liveshop.shared.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;

/**
 * Captures log lines as the functions write them in AWS: each event rendered by the layout of shared's log4j2.xml
 * (JsonTemplateLayout with Powertools' LambdaJsonLayout), then parsed, while open.
 */
public final class JsonLogCapture implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;
    private final LoggerContext context;

    public JsonLogCapture() {
        context = (LoggerContext) LogManager.getContext(false);
        // The layout of shared/src/main/resources/log4j2.xml (tests may run with another log4j2-test.xml).
        Layout<String> layout = JsonTemplateLayout.newBuilder()
                .setConfiguration(context.getConfiguration())
                .setEventTemplateUri("classpath:LambdaJsonLayout.json")
                .build();
        appender = new AbstractAppender("json-capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(layout.toSerializable(event).strip());
            }
        };
        appender.start();
        context.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
        // Additive loggers reach the root's appenders anyway: adding it to them too would capture each line twice.
        context.getConfiguration().getLoggers().values().stream()
                .filter(l -> !l.isAdditive() && l != root())
                .forEach(l -> l.addAppender(appender, Level.ALL, null));
        context.updateLoggers();
    }

    private org.apache.logging.log4j.core.config.LoggerConfig root() {
        return context.getConfiguration().getRootLogger();
    }

    /** Every captured line, parsed. */
    public List<JsonNode> lines() {
        return lines.stream()
                .map(line -> {
                    try {
                        return Json.MAPPER.readTree(line);
                    } catch (IOException e) {
                        throw new UncheckedIOException("Not a JSON log line: " + line, e);
                    }
                })
                .toList();
    }

    /** The lines whose message contains {@code text}. */
    public List<JsonNode> containing(String text) {
        return lines().stream()
                .filter(l -> l.path("message").asText().contains(text))
                .toList();
    }

    @Override
    public void close() {
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        context.getConfiguration().getLoggers().values().forEach(l -> l.removeAppender(appender.getName()));
        context.updateLoggers();
        appender.stop();
    }
}
