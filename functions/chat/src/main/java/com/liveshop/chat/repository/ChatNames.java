package com.liveshop.chat.repository;

import java.util.Locale;

/** Display names compare case-insensitively, trimmed: a ban on "Spammer" also refuses " spammer". */
public final class ChatNames {

    private ChatNames() {}

    public static String normalize(String name) {
        return name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    }
}
