package com.liveshop.chat.service;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whole-word matching of a session's blocklisted words by look-alike ({@link LookAlikes}): "scam" blocks "SCAM!",
 * "sc\u200bam" (a zero-width space inside) and "ѕсаm" (Cyrillic letters), but not "scampi".
 */
public final class Blocklist {

    private Blocklist() {}

    /** The first blocklisted word the text contains as a whole word. */
    public static Optional<String> firstMatch(String text, List<String> words) {
        if (words.isEmpty()) {
            return Optional.empty();
        }
        Set<String> forms = LookAlikes.keys(text);
        for (String word : words) {
            for (String key : LookAlikes.keys(word)) {
                Pattern p = Pattern.compile(
                        "(?<![\\p{L}\\p{M}\\p{N}_])" + Pattern.quote(key) + "(?![\\p{L}\\p{M}\\p{N}_])");
                if (forms.stream().anyMatch(form -> p.matcher(form).find())) {
                    return Optional.of(word);
                }
            }
        }
        return Optional.empty();
    }
}
