package com.liveshop.sessions.service;

import com.liveshop.sessions.repository.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** One session as an RFC 5545 calendar: TEXT escaping, CRLF line ends, lines folded at 75 octets. */
public final class CalendarIcs {

    /** The show's assumed length for DTEND (sessions have no planned end). */
    static final Duration DEFAULT_LENGTH = Duration.ofHours(1);

    private static final DateTimeFormatter UTC =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final int MAX_OCTETS = 75;

    private CalendarIcs() {}

    public static String of(Session s, Instant now) {
        Instant start = Instant.parse(s.startsAt());
        StringBuilder out = new StringBuilder();
        line(out, "BEGIN:VCALENDAR");
        line(out, "VERSION:2.0");
        line(out, "PRODID:-//liveshop//sessions//EN");
        line(out, "CALSCALE:GREGORIAN");
        line(out, "METHOD:PUBLISH");
        line(out, "BEGIN:VEVENT");
        line(out, "UID:" + s.sessionId() + "@liveshop");
        line(out, "DTSTAMP:" + UTC.format(now));
        line(out, "DTSTART:" + UTC.format(start));
        line(out, "DTEND:" + UTC.format(start.plus(DEFAULT_LENGTH)));
        line(out, "SUMMARY:" + escape(s.title()));
        if (s.description() != null) {
            line(out, "DESCRIPTION:" + escape(s.description()));
        }
        line(out, "STATUS:CONFIRMED");
        line(out, "END:VEVENT");
        line(out, "END:VCALENDAR");
        return out.toString();
    }

    /** RFC 5545 3.3.11 TEXT: backslash, semicolon, comma escaped; newlines as \n. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case ';' -> out.append("\\;");
                case ',' -> out.append("\\,");
                case '\n' -> out.append("\\n");
                case '\r' -> {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        continue;
                    }
                    out.append("\\n");
                }
                default -> {
                    if (c < 0x20 && c != '\t') {
                        continue; // other control characters are not allowed in TEXT
                    }
                    out.append(c);
                }
            }
        }
        return out.toString();
    }

    /**
     * Appends one content line folded as RFC 5545 3.1 says: at most 75 octets per physical line, continuation lines
     * start with one space, and a fold never splits a UTF-8 sequence (we fold between code points).
     */
    static void line(StringBuilder out, String content) {
        int octets = 0;
        int limit = MAX_OCTETS;
        for (int i = 0; i < content.length(); ) {
            int cp = content.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (octets + size > limit) {
                out.append("\r\n ");
                octets = 0;
                limit = MAX_OCTETS - 1; // the leading space counts
            }
            out.appendCodePoint(cp);
            octets += size;
            i += Character.charCount(cp);
        }
        out.append("\r\n");
    }
}
