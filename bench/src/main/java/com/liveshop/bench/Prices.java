package com.liveshop.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The list prices a show's cost is computed with. Their one source of truth is the price table of docs/capacity.md
 * (section "Prices"), which the bench jar carries as a resource: no price is written in Java. A row reads {@code |
 * `name` | price | unit | source | read on | status |}; the unit says what the price is for ("per million requests",
 * "per GB", "per 10,000 requests"), and {@link #perUnit} divides by its count.
 */
final class Prices {

    /** The table's resource in the bench jar (the pom copies docs/capacity.md there). */
    static final String RESOURCE = "bench/capacity.md";

    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([A-Za-z0-9.]+)`\\s*\\|([^|]*)\\|([^|]*)\\|.*$");
    private static final Pattern UNIT = Pattern.compile("^per\\s+(million|[0-9][0-9,]*)?\\s*(.+)$");

    /** One row: the price in USD for {@code count} of {@code item} (e.g. 1.00 for 1,000,000 requests). */
    record Price(String name, double value, String unit, double count, String item) {
        double perUnit() {
            return value / count;
        }
    }

    private final Map<String, Price> prices;

    private Prices(Map<String, Price> prices) {
        this.prices = prices;
    }

    /** The table as bundled in the jar (or on the test classpath). */
    static Prices bundled() {
        try (InputStream in = Prices.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        RESOURCE + " is not on the classpath (the bench pom bundles docs/capacity.md)");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + RESOURCE, e);
        }
    }

    /** The heading of the price table's section in docs/capacity.md. */
    static final String SECTION = "## Prices";

    /**
     * Every price row of the markdown's {@value #SECTION} section (a row whose first cell is a `code` name). An
     * unparsable price or unit fails here, naming the row, rather than pricing a show with a wrong number.
     */
    static Prices parse(String markdown) {
        Map<String, Price> m = new LinkedHashMap<>();
        boolean inSection = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("## ")) {
                inSection = line.startsWith(SECTION);
            }
            if (!inSection) {
                continue;
            }
            Matcher row = ROW.matcher(line.strip());
            if (!row.matches()) {
                continue;
            }
            String name = row.group(1);
            String priceText = row.group(2).strip().replace("$", "").replace(",", "");
            String unitText = row.group(3).strip();
            double value;
            try {
                value = Double.parseDouble(priceText);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("Price table: `" + name + "` has an unparsable price '"
                        + row.group(2).strip() + "'");
            }
            Matcher unit = UNIT.matcher(unitText);
            if (!unit.matches() || value < 0) {
                throw new IllegalStateException("Price table: `" + name + "` has an unparsable unit '" + unitText
                        + "' (expected 'per [million|N] <item>')");
            }
            String countText = unit.group(1);
            double count = countText == null
                    ? 1
                    : countText.equals("million") ? 1_000_000 : Double.parseDouble(countText.replace(",", ""));
            if (m.put(
                            name,
                            new Price(
                                    name, value, unitText, count, unit.group(2).strip()))
                    != null) {
                throw new IllegalStateException("Price table: `" + name + "` appears twice");
            }
        }
        return new Prices(m);
    }

    /** The price of one {@code item} of {@code name} (e.g. one request), in USD. */
    double perUnit(String name) {
        return get(name).perUnit();
    }

    Price get(String name) {
        Price p = prices.get(name);
        if (p == null) {
            throw new IllegalStateException("Price `" + name + "` is missing from the price table of docs/capacity.md");
        }
        return p;
    }

    /** Fails naming every price of {@code names} that the table lacks. */
    Prices require(List<String> names) {
        List<String> missing =
                names.stream().filter(n -> !prices.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Prices missing from the price table of docs/capacity.md: " + missing);
        }
        return this;
    }

    /**
     * This table with {@code NAME=VALUE} overrides (a brand's negotiated prices), each in the unit of the table's row.
     * An unknown name or a value that is not a number is an error: a typo must not silently price at list.
     */
    Prices with(List<String> overrides) {
        Map<String, Price> m = new LinkedHashMap<>(prices);
        for (String o : overrides) {
            int eq = o.indexOf('=');
            String name = eq < 0 ? o.strip() : o.substring(0, eq).strip();
            Price p = m.get(name);
            if (eq < 0 || p == null) {
                throw new IllegalArgumentException(
                        "--price " + o + ": " + (eq < 0 ? "expected NAME=VALUE" : "unknown price " + name) + "; known: "
                                + String.join(", ", prices.keySet()));
            }
            double value;
            try {
                value = Double.parseDouble(o.substring(eq + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--price " + o + ": the value is not a number (USD " + p.unit() + ")");
            }
            if (value < 0) {
                throw new IllegalArgumentException("--price " + o + ": a price cannot be negative");
            }
            m.put(name, new Price(name, value, p.unit(), p.count(), p.item()));
        }
        return new Prices(m);
    }

    /** {@code --price} values: repeated flags arrive joined by commas (Bench's option map). */
    static List<String> overrides(String joined) {
        List<String> out = new ArrayList<>();
        if (joined != null) {
            for (String s : joined.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.strip());
                }
            }
        }
        return out;
    }
}
