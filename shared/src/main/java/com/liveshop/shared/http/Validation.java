package com.liveshop.shared.http;

import java.util.regex.Pattern;

/**
 * Small field checks that throw a 400 naming the field: VALIDATION_FAILED for rules, INVALID_FIELD for text that is not
 * clean text. Every user-supplied string goes through {@link #requireText} or {@link #requireMultilineText}, the one
 * place that refuses NUL, C0/C1 control characters and unpaired surrogates.
 */
public final class Validation {

    private static final Pattern UUID_PATTERN =
            Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    /** SKUs: letters, digits, dash, underscore, dot; 1–64 chars; safe in keys and URLs. */
    private static final Pattern SKU_PATTERN = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");

    private static final Pattern EMAIL_PATTERN = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}$");

    private Validation() {}

    /** One line of text: no control character at all. */
    public static String requireText(String field, String value, int maxLength) {
        return text(field, value, maxLength, false);
    }

    /**
     * Absent when null or blank. Controls are refused first: {@code isBlank()} counts U+000B, U+000C and U+001C–U+001F
     * as white space, so a value of only those would otherwise pass as "absent" instead of being refused.
     */
    public static String optionalText(String field, String value, int maxLength) {
        if (value == null) {
            return null;
        }
        requireCleanText(field, value, false);
        return value.isBlank() ? null : requireText(field, value, maxLength);
    }

    /** Text that may run over lines: tab and newline (and CR before it) are its only control characters. */
    public static String requireMultilineText(String field, String value, int maxLength) {
        return text(field, value, maxLength, true);
    }

    public static String optionalMultilineText(String field, String value, int maxLength) {
        if (value == null) {
            return null;
        }
        requireCleanText(field, value, true);
        return value.isBlank() ? null : requireMultilineText(field, value, maxLength);
    }

    private static String text(String field, String value, int maxLength, boolean multiline) {
        if (value == null || value.isBlank()) {
            throw ApiException.validation("Field '" + field + "' is required");
        }
        requireCleanText(field, value, multiline);
        String trimmed = value.strip();
        if (trimmed.codePointCount(0, trimmed.length()) > maxLength) {
            throw ApiException.validation("Field '" + field + "' must be at most " + maxLength + " characters");
        }
        return trimmed;
    }

    /**
     * 400 INVALID_FIELD for NUL, other C0 controls, DEL and C1 controls (tab, LF and CR allowed only in multiline text)
     * and for a surrogate that is not half of a pair (JSON's "\\ud800" escape decodes to one).
     */
    public static void requireCleanText(String field, String value, boolean multiline) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean control = c < 0x20 || (c >= 0x7F && c <= 0x9F);
            if (control && !(multiline && (c == '\t' || c == '\n' || c == '\r'))) {
                throw ApiException.badRequest("INVALID_FIELD", "Field '" + field + "' contains a control character");
            }
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw ApiException.badRequest("INVALID_FIELD", "Field '" + field + "' contains an unpaired surrogate");
            }
        }
    }

    public static <T> T requirePresent(String field, T value) {
        if (value == null) {
            throw ApiException.validation("Field '" + field + "' is required");
        }
        return value;
    }

    public static long requireRange(String field, Long value, long min, long max) {
        requirePresent(field, value);
        if (value < min || value > max) {
            throw ApiException.validation("Field '" + field + "' must be between " + min + " and " + max);
        }
        return value;
    }

    public static int requireRange(String field, Integer value, int min, int max) {
        requirePresent(field, value);
        if (value < min || value > max) {
            throw ApiException.validation("Field '" + field + "' must be between " + min + " and " + max);
        }
        return value;
    }

    public static String requireSku(String value) {
        if (value == null || !SKU_PATTERN.matcher(value).matches()) {
            throw ApiException.validation("A sku is 1-64 letters, digits, '.', '_' or '-'");
        }
        return value;
    }

    public static String requireUuid(String field, String value) {
        if (value == null || !UUID_PATTERN.matcher(value).matches()) {
            throw ApiException.validation("'" + field + "' must be a UUID");
        }
        return value.toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * A random (version 4, RFC 4122 variant) UUID, as {@code crypto.randomUUID()} makes: a cart id is its only key, so
     * guessable ones (the nil UUID, time-based versions) are refused.
     */
    public static String requireRandomUuid(String field, String value) {
        String uuid = requireUuid(field, value);
        if (uuid.charAt(14) != '4' || "89ab".indexOf(uuid.charAt(19)) < 0) {
            throw ApiException.validation(
                    "'" + field + "' must be a random (version 4) UUID, e.g. from crypto.randomUUID()");
        }
        return uuid;
    }

    public static String requireEmail(String field, String value) {
        String email = requireText(field, value, 254);
        if (!EMAIL_PATTERN.matcher(email).matches()) {
            throw ApiException.validation("Field '" + field + "' must be an email address");
        }
        return email;
    }
}
