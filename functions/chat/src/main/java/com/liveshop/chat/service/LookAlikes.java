package com.liveshop.chat.service;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;
import com.ibm.icu.text.UnicodeSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When two strings read the same: Unicode's confusables table (UTS #39 skeletons, ICU4J's {@link SpoofChecker}), so
 * "Ꮋost" (Cherokee), "Hоst" (Cyrillic o), "H0st", "rnoderator" and "TroII" meet "Host", "moderator" and "Troll".
 *
 * <p>A string's <em>keys</em> are its comparison forms; two strings look alike when they share one. Before the skeleton
 * the string is NFKC-normalized (full-width and other compatibility forms), default-ignorable code points (zero-width
 * spaces and joiners, bidi controls, variation selectors…) are removed, and Latin small capitals become their capitals
 * ("ʜᴏsᴛ" is HOST in small type; UTS #39 keeps them apart from H because it compares case-sensitively, and the mapping
 * is read from the characters' Unicode names, not kept by hand). Names compare case-insensitively, but a skeleton is
 * case-sensitive ("I" reads as "l", "i" does not), so there are two keys: the skeleton of the case-folded string
 * ("AdmIn" = "admin") and the case-folded skeleton of the string as typed ("TroII" = "Troll"). Marks are kept ("Zoë" is
 * not "Zoe"), and other scripts compare as themselves ("Алексей", "小明").
 *
 * <p>ICU's confusables data is loaded on the first call, once per execution environment (see the chat cold-start
 * figures in docs/api.md).
 */
final class LookAlikes {

    private LookAlikes() {}

    /**
     * Built on first use: a function that never compares names (recent messages, moderation) never loads ICU's data.
     */
    private static final class Icu {
        static final SpoofChecker SPOOF = new SpoofChecker.Builder().build();
        static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();
        static final UnicodeSet IGNORABLE = new UnicodeSet("[:Default_Ignorable_Code_Point:]").freeze();
        /** Where the small capitals are (their names are looked up once each, on first sight). */
        static final UnicodeSet NON_ASCII_LATIN = new UnicodeSet("[[:Script=Latin:]&[:L:]-[\\u0000-\\u007F]]").freeze();

        static final Map<Integer, Integer> SMALL_CAPITALS = new ConcurrentHashMap<>();
    }

    /** The comparison keys of {@code s} (one or two; empty strings are not keys). */
    static Set<String> keys(String s) {
        String base = base(s == null ? "" : s);
        Set<String> keys = new LinkedHashSet<>(2);
        keys.add(fold(Icu.SPOOF.getSkeleton(fold(base))));
        keys.add(fold(Icu.SPOOF.getSkeleton(base)));
        keys.remove("");
        return keys;
    }

    /** True if {@code a} and {@code b} look alike (share a key). */
    static boolean alike(Set<String> a, Set<String> b) {
        for (String k : a) {
            if (b.contains(k)) {
                return true;
            }
        }
        return false;
    }

    /** NFKC, without default-ignorable code points, small capitals as capitals. */
    static String base(String s) {
        String nfkc = Icu.NFKC.normalize(s);
        StringBuilder out = new StringBuilder(nfkc.length());
        nfkc.codePoints().forEach(cp -> {
            if (!Icu.IGNORABLE.contains(cp)) {
                out.appendCodePoint(Icu.NON_ASCII_LATIN.contains(cp) ? capitalOf(cp) : cp);
            }
        });
        return out.toString();
    }

    private static String fold(String s) {
        return UCharacter.foldCase(s, true);
    }

    /**
     * "LATIN LETTER SMALL CAPITAL H" (ʜ) and "LATIN CAPITAL LETTER SMALL CAPITAL I" (Ɪ) → "LATIN CAPITAL LETTER H" /
     * "I"; any other code point is itself.
     */
    private static int capitalOf(int cp) {
        return Icu.SMALL_CAPITALS.computeIfAbsent(cp, c -> {
            String name = UCharacter.getName(c);
            for (String prefix : SMALL_CAPITAL_NAMES) {
                if (name != null && name.startsWith(prefix)) {
                    int capital = UCharacter.getCharFromName("LATIN CAPITAL LETTER " + name.substring(prefix.length()));
                    return capital >= 0 ? capital : c;
                }
            }
            return c;
        });
    }

    private static final String[] SMALL_CAPITAL_NAMES = {
        "LATIN LETTER SMALL CAPITAL ", "LATIN CAPITAL LETTER SMALL CAPITAL "
    };
}
