package com.liveshop.chat.service;

import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.Validation;
import java.text.Normalizer;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Chat display names: what a name may be, and when two names are "the same" for bans and reserved names.
 *
 * <p>A name is NFKC-normalized (full-width, ligatures and other compatibility forms become their plain letters),
 * stripped, 1–30 code points, with no bidi control, control, format (zero-width), separator, private-use or unassigned
 * code point. Two names are the same when they look alike by Unicode's confusables table ({@link LookAlikes}): "Troll",
 * "TroII", "Tr0ll", "ＴＲＯＬＬ" and "Тroll" (Cyrillic Т) all meet.
 */
public final class ChatNames {

    public static final int MAX_NAME = 30;
    /** Names only the show's own people may look like (with the brand's name, from configuration). */
    public static final List<String> RESERVED = List.of(
            "host",
            "cohost",
            "moderator",
            "mod",
            "admin",
            "administrator",
            "staff",
            "support",
            "official",
            "system",
            "liveshop");

    private ChatNames() {}

    /** The name to show, or a 400 (VALIDATION_FAILED for length, INVALID_FIELD for a forbidden character). */
    public static String displayName(String raw) {
        if (raw == null || raw.isBlank()) {
            throw ApiException.validation("Field 'name' is required (1-" + MAX_NAME + " characters)");
        }
        Validation.requireCleanText("name", raw, false);
        requireNoBidiControls("name", raw);
        String name = Normalizer.normalize(raw, Normalizer.Form.NFKC).strip();
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (!allowed(cp)) {
                throw ApiException.badRequest(
                        "INVALID_FIELD",
                        "Field 'name' contains an invisible, formatting or unassigned character (U+"
                                + String.format("%04X", cp) + ")");
            }
            i += Character.charCount(cp);
        }
        int length = name.codePointCount(0, name.length());
        if (length < 1 || length > MAX_NAME) {
            throw ApiException.validation("Field 'name' must be 1-" + MAX_NAME + " characters");
        }
        return name;
    }

    /**
     * 400 INVALID_FIELD if {@code value} has a bidirectional control (U+202A–U+202E embeddings and overrides,
     * U+2066–U+2069 isolates, U+200E / U+200F marks, U+061C): they reorder what the chat shows around them
     * ("a\u202Egnp.exe").
     */
    public static void requireNoBidiControls(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c >= 0x202A && c <= 0x202E)
                    || (c >= 0x2066 && c <= 0x2069)
                    || c == 0x200E
                    || c == 0x200F
                    || c == 0x061C) {
                throw ApiException.badRequest(
                        "INVALID_FIELD",
                        "Field '" + field + "' contains a bidirectional control character (U+"
                                + String.format("%04X", (int) c) + "), which would reorder the text around it");
            }
        }
    }

    private static boolean allowed(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR,
                    Character.PRIVATE_USE,
                    Character.SURROGATE,
                    Character.UNASSIGNED -> false;
            default ->
                cp != 0x115F
                        && cp != 0x1160
                        && cp != 0x3164
                        && cp != 0xFFA0 // Hangul fillers: blank, not Cf
                        && !(cp >= 0xFE00 && cp <= 0xFE0F)
                        && !(cp >= 0xE0100 && cp <= 0xE01EF); // variation selectors
        };
    }

    /** The name's comparison keys (what a ban by name stores): look-alikes share one. */
    public static Set<String> keys(String name) {
        return LookAlikes.keys(name);
    }

    /** True if the name is, or has a word that is, a reserved name or the brand's, by look-alike. */
    public static boolean reserved(String name, Collection<String> brandNames) {
        Set<String> reserved = new HashSet<>();
        RESERVED.forEach(r -> reserved.addAll(LookAlikes.keys(r)));
        brandNames.forEach(b -> reserved.addAll(LookAlikes.keys(b)));
        if (LookAlikes.alike(LookAlikes.keys(name), reserved)) {
            return true;
        }
        for (String word : LookAlikes.base(name).split("[\\s\\p{P}\\p{S}]+")) {
            if (!word.isEmpty() && LookAlikes.alike(LookAlikes.keys(word), reserved)) {
                return true;
            }
        }
        // A brand's name anywhere in the name ("CyberDealsTeam") speaks for the brand.
        Set<String> whole = LookAlikes.keys(name.replaceAll("[\\s\\p{P}\\p{S}]+", ""));
        return brandNames.stream()
                .flatMap(b -> LookAlikes.keys(b.replaceAll("[\\s\\p{P}\\p{S}]+", "")).stream())
                .anyMatch(b -> b.length() >= 4 && whole.stream().anyMatch(w -> w.contains(b)));
    }
}
