package dev.samlocal.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns event JSON into a handler's input object and its result back into JSON the way the Lambda Java runtime does:
 * the events library's own serializers (with their mix-ins) for the event classes it knows, the runtime's Jackson
 * factory for everything else.
 */
public final class LambdaSerialization {

    private static final Map<Type, PojoSerializer<Object>> CACHE = new ConcurrentHashMap<>();

    private LambdaSerialization() {}

    @SuppressWarnings("unchecked")
    public static PojoSerializer<Object> serializerFor(Type type) {
        return CACHE.computeIfAbsent(type, t -> {
            if (t instanceof Class<?> clazz && LambdaEventSerializers.isLambdaSupportedEvent(clazz.getName())) {
                return (PojoSerializer<Object>)
                        LambdaEventSerializers.serializerFor(clazz, LambdaSerialization.class.getClassLoader());
            }
            return JacksonFactory.getInstance().getSerializer(t);
        });
    }

    public static Object fromJson(String json, Type type) {
        return serializerFor(type).fromJson(json);
    }

    public static String toJson(Object value) {
        if (value == null) {
            return "null";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        serializerFor(value.getClass()).toJson(value, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The {@code I} of {@code RequestHandler<I, O>} that {@code handlerClass} implements, Object if erased. */
    public static Type requestHandlerInputType(Class<?> handlerClass) {
        Type found = find(handlerClass, new HashMap<>());
        return found == null || found instanceof TypeVariable<?> ? Object.class : found;
    }

    /** Walks supertypes, carrying type-variable bindings, until RequestHandler's first argument is found. */
    private static Type find(Type type, Map<TypeVariable<?>, Type> bindings) {
        Class<?> raw;
        if (type instanceof ParameterizedType p) {
            raw = (Class<?>) p.getRawType();
            TypeVariable<?>[] vars = raw.getTypeParameters();
            Type[] args = p.getActualTypeArguments();
            Map<TypeVariable<?>, Type> next = new HashMap<>(bindings);
            for (int i = 0; i < vars.length; i++) {
                next.put(vars[i], args[i] instanceof TypeVariable<?> v ? bindings.getOrDefault(v, v) : args[i]);
            }
            if (raw == RequestHandler.class) {
                return next.get(vars[0]);
            }
            bindings = next;
        } else if (type instanceof Class<?> c) {
            raw = c;
        } else {
            return null;
        }
        for (Type parent : raw.getGenericInterfaces()) {
            Type found = find(parent, bindings);
            if (found != null) {
                return found;
            }
        }
        return raw.getGenericSuperclass() == null ? null : find(raw.getGenericSuperclass(), bindings);
    }
}
