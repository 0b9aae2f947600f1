package com.liveshop.chat.service;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Whole-word, case-insensitive matching of a session's blocklisted words ("ass" blocks "ASS!" but not "class"). */
public final class Blocklist {

    private Blocklist() {}

    /** The first blocklisted word the text contains as a whole word. */
    public static Optional<String> firstMatch(String text, List<String> words) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (String word : words) {
            Pattern p = Pattern.compile("(?<![\\p{L}\\p{N}_])" + Pattern.quote(word.toLowerCase(Locale.ROOT)) + "(?![\\p{L}\\p{N}_])",
                    Pattern.UNICODE_CASE | Pattern.CASE_INSENSITIVE);
            if (p.matcher(lower).find()) {
                return Optional.of(word);
            }
        }
        return Optional.empty();
    }
}
