package com.liveshop.testkit;

import com.liveshop.shared.metrics.ShowMetrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link ShowMetrics} that keeps every point, for tests to pass through a module's wiring and read back. */
public final class RecordingMetrics implements ShowMetrics {

    private final List<Point> points = new CopyOnWriteArrayList<>();

    @Override
    public void record(Point point) {
        points.add(point);
    }

    public List<Point> points() {
        return List.copyOf(points);
    }

    /** The points named {@code name}. */
    public List<Point> named(String name) {
        return points.stream().filter(p -> p.name().equals(name)).toList();
    }

    /** Sum of {@code name} over the points with exactly these dimensions. */
    public double sum(String name, Map<String, String> dimensions) {
        return named(name).stream()
                .filter(p -> p.dimensions().equals(dimensions))
                .mapToDouble(Point::value)
                .sum();
    }

    public double sum(String name) {
        return sum(name, Map.of());
    }

    public void clear() {
        points.clear();
    }
}
