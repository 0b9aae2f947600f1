package dev.samlocal.spi;

import java.lang.reflect.Constructor;
import java.util.Map;

/**
 * How a template's handler class becomes an object, given the function's resolved environment (what Lambda would put in
 * the process environment: the template's Environment plus the local endpoints, region and credentials).
 */
@FunctionalInterface
public interface HandlerFactory {

    /**
     * Without a dev layer: a public {@code (Map<String, String>)} constructor gets the environment; else the no-arg
     * constructor, which can only read the process environment (not the function's).
     */
    HandlerFactory DEFAULT = (type, environment) -> {
        try {
            Constructor<?> withEnvironment = type.getConstructor(Map.class);
            return withEnvironment.newInstance(environment);
        } catch (NoSuchMethodException e) {
            return type.getConstructor().newInstance();
        }
    };

    Object create(Class<?> handlerClass, Map<String, String> environment) throws Exception;
}
