package com.liveshop.local;

import com.liveshop.shared.config.AppConfig;
import com.liveshop.shared.http.ApiHandler;
import com.liveshop.shared.http.OriginCheck;
import dev.samlocal.spi.HandlerFactory;
import java.lang.reflect.Constructor;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product's handlers take their settings as an {@link AppConfig} built from the function's own environment (in
 * Lambda: the process environment); an {@link ApiHandler} also gets the origin check that environment configures.
 */
final class LiveshopHandlers implements HandlerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(LiveshopHandlers.class);

    @Override
    public Object create(Class<?> type, Map<String, String> environment) throws Exception {
        AppConfig config = new AppConfig(environment);
        Object handler = constructed(type, config);
        if (handler instanceof ApiHandler api) {
            api.originCheck(OriginCheck.fromConfig(config));
        }
        return handler;
    }

    private static Object constructed(Class<?> type, AppConfig config) throws ReflectiveOperationException {
        try {
            Constructor<?> withConfig = type.getConstructor(AppConfig.class);
            return withConfig.newInstance(config);
        } catch (NoSuchMethodException e) {
            LOG.warn(
                    "{} has no public (AppConfig) constructor; its no-arg constructor reads the process environment",
                    type.getName());
            return type.getConstructor().newInstance();
        }
    }
}
