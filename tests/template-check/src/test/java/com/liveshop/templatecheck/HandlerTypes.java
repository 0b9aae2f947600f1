package com.liveshop.templatecheck;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The input and output types a class binds {@code RequestHandler<I, O>} to, through any chain of generic supertypes.
 */
final class HandlerTypes {

    record Binding(Type input, Type output) {}

    private HandlerTypes() {}

    static Optional<Binding> requestHandlerBinding(Class<?> handler) {
        return Optional.ofNullable(find(handler, Map.of()));
    }

    /** The class of a resolved type argument ({@code Map<String, Object>} → Map), or null for an unbound variable. */
    static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return null;
    }

    private static Binding find(Class<?> type, Map<TypeVariable<?>, Type> bindings) {
        List<Type> supertypes = new ArrayList<>();
        if (type.getGenericSuperclass() != null) {
            supertypes.add(type.getGenericSuperclass());
        }
        supertypes.addAll(List.of(type.getGenericInterfaces()));
        for (Type supertype : supertypes) {
            if (supertype instanceof ParameterizedType parameterized) {
                Class<?> raw = (Class<?>) parameterized.getRawType();
                Type[] args = parameterized.getActualTypeArguments();
                for (int i = 0; i < args.length; i++) {
                    if (args[i] instanceof TypeVariable<?> variable && bindings.containsKey(variable)) {
                        args[i] = bindings.get(variable);
                    }
                }
                if (raw == RequestHandler.class) {
                    return new Binding(args[0], args[1]);
                }
                Map<TypeVariable<?>, Type> next = new HashMap<>();
                TypeVariable<?>[] variables = raw.getTypeParameters();
                for (int i = 0; i < variables.length; i++) {
                    next.put(variables[i], args[i]);
                }
                Binding found = find(raw, next);
                if (found != null) {
                    return found;
                }
            } else if (supertype instanceof Class<?> raw) {
                if (raw == RequestHandler.class) {
                    return new Binding(Object.class, Object.class);
                }
                Binding found = find(raw, Map.of());
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
