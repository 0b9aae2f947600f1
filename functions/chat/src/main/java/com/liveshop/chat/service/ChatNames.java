package com.liveshop.chat.service;

import com.liveshop.shared.http.ApiException;
import com.liveshop.shared.http.Validation;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Chat display names: what a name may be, and when two names are "the same" for bans and reserved names.
 *
 * <p>A name is NFKC-normalized (full-width, ligatures and other compatibility forms become their plain letters),
 * stripped, 1–30 code points, with no control, format (zero-width, bidi), separator, private-use or unassigned
 * code point. Its <em>skeleton</em> folds what a reader cannot tell apart: marks are dropped, Cyrillic / Greek
 * look-alikes and digits or symbols used as letters map to Latin letters ({@code I}, {@code i}, {@code 1}, {@code |} → l,
 * {@code 0} → o, "rn" → m …), case is folded and everything but letters and digits goes. "Troll", "TroII",
 * "Tr0ll" and "Troll\u200b" share the skeleton "troll". Java has no Unicode confusables (TR39) table and
 * ICU4J would add 13 MB to every function, so this keeps a small table of the look-alikes that matter for
 * Latin names; it is a rule for comparing, never shown.
 */
public final class ChatNames {

    public static final int MAX_NAME = 30;
    /** Names only the show's own people may look like (with the brand's name, from configuration). */
    public static final List<String> RESERVED = List.of("host", "cohost", "moderator", "mod", "admin", "administrator",
            "staff", "support", "official", "system", "liveshop");

    private static final Map<Integer, String> CONFUSABLE = confusables();
    private static final List<String> RESERVED_SKELETONS = RESERVED.stream().map(ChatNames::skeleton).toList();

    private ChatNames() {}

    /** The name to show, or a 400 (VALIDATION_FAILED for length, INVALID_FIELD for a forbidden character). */
    public static String displayName(String raw) {
        if (raw == null || raw.isBlank()) {
            throw ApiException.validation("Field 'name' is required (1-" + MAX_NAME + " characters)");
        }
        Validation.requireCleanText("name", raw, false);
        String name = Normalizer.normalize(raw, Normalizer.Form.NFKC).strip();
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (!allowed(cp)) {
                throw ApiException.badRequest("INVALID_FIELD", "Field 'name' contains an invisible, formatting or unassigned character (U+"
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

    private static boolean allowed(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED -> false;
            default -> cp != 0x115F && cp != 0x1160 && cp != 0x3164 && cp != 0xFFA0 // Hangul fillers: blank, not Cf
                    && !(cp >= 0xFE00 && cp <= 0xFE0F) && !(cp >= 0xE0100 && cp <= 0xE01EF); // variation selectors
        };
    }

    /** The comparison form: "TroII", "Tr0ll", "ＴＲＯＬＬ" and "Troll\u200b" are all "troll". */
    public static String skeleton(String name) {
        if (name == null) {
            return "";
        }
        String decomposed = Normalizer.normalize(Normalizer.normalize(name, Normalizer.Form.NFKC), Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.COMBINING_SPACING_MARK) {
                continue;
            }
            String mapped = CONFUSABLE.get(cp);
            if (mapped != null) {
                out.append(mapped);
            } else if (Character.isLetterOrDigit(cp)) {
                out.append(new String(Character.toChars(cp)).toLowerCase(Locale.ROOT));
            }
        }
        return out.toString().replace("rn", "m").replace("vv", "w");
    }

    /** True if the name is, or has a word that is, a reserved name or the brand's, by skeleton. */
    public static boolean reserved(String name, Collection<String> brandNames) {
        List<String> reserved = new ArrayList<>(RESERVED_SKELETONS);
        brandNames.forEach(b -> reserved.add(skeleton(b)));
        String whole = skeleton(name);
        List<String> words = new ArrayList<>();
        for (String word : Normalizer.normalize(name, Normalizer.Form.NFKC).split("[\\s\\p{Punct}\\p{Pd}]+")) {
            words.add(skeleton(word));
        }
        for (String r : reserved) {
            if (r.isEmpty()) {
                continue;
            }
            if (whole.equals(r) || words.contains(r)) {
                return true;
            }
        }
        // A brand's name anywhere in the name ("CyberDealsTeam") speaks for the brand.
        return brandNames.stream().map(ChatNames::skeleton).anyMatch(b -> b.length() >= 4 && whole.contains(b));
    }

    private static Map<Integer, String> confusables() {
        Map<Integer, String> m = new java.util.HashMap<>();
        // Latin letters and digits or symbols read as letters. I, l, i, 1 and | are one letter: "TroII", "Tro1l"
        // and "AdmIn" must meet "Troll" and "admin" (a skeleton is only ever compared, never shown).
        put(m, "IiLlı1|", "l");
        put(m, "0", "o");
        put(m, "3", "e");
        put(m, "4", "a");
        put(m, "@", "a");
        put(m, "5", "s");
        put(m, "$", "s");
        put(m, "7", "t");
        put(m, "8", "b");
        // Cyrillic and Greek look-alikes, as pairs "<look-alike><latin>".
        pairs(m, "Аa аa Вb Еe еe Ёe ёe Кk кk Мm мm Нh һh Һh Оo оo Рp рp Сc сc Тt тt Хx хx Уy уy Ѕs ѕs Іl іl Јj јj ԁd ӏl"
                + " ԛq Ԝw ԝw Ьb ьb Ѵv ѵv");
        pairs(m, "Αa αa Βb Εe Ζz Ηh Ιl ιl Κk κk Μm Νn Οo οo Ρp ρp Τt τt Υy υu Χx χx νv");
        return Map.copyOf(m);
    }

    private static void put(Map<Integer, String> m, String from, String to) {
        from.codePoints().forEach(cp -> m.put(cp, to));
    }

    private static void pairs(Map<Integer, String> m, String pairs) {
        for (String pair : pairs.split(" ")) {
            m.put(pair.codePointAt(0), pair.substring(Character.charCount(pair.codePointAt(0))));
        }
    }
}
