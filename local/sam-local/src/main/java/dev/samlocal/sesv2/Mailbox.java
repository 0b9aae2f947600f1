package dev.samlocal.sesv2;

import java.util.List;
import java.util.Map;

/**
 * The local mailbox page: every kept email, newest first, with its recipients, subject, headers and text part; the HTML
 * part opens on its own sandboxed page. Everything from an email is escaped here.
 */
final class Mailbox {

    private Mailbox() {}

    static String page(List<LocalSesV2.Email> emails) {
        StringBuilder h = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Local mailbox</title><style>body{font:14px system-ui,sans-serif;margin:1rem;max-width:60rem}"
                + "article{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:0 0 1rem}"
                + "pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}dt{font-weight:600}</style></head><body>");
        h.append("<h1>Local mailbox</h1><p>")
                .append(emails.size())
                .append(" emails sent through the local SES v2 endpoint (kept here, never delivered). "
                        + "JSON: <code>GET /_local/emails?to=</code></p>");
        for (int i = emails.size() - 1; i >= 0; i--) {
            LocalSesV2.Email e = emails.get(i);
            h.append("<article data-message-id=\"")
                    .append(esc(e.messageId()))
                    .append("\"><h2>")
                    .append(esc(e.subject()))
                    .append("</h2>");
            h.append("<p>To ")
                    .append(esc(String.join(", ", e.to())))
                    .append(" · from ")
                    .append(esc(e.from()))
                    .append(" · ")
                    .append(esc(e.at().toString()))
                    .append("</p>");
            if (!e.headers().isEmpty()) {
                h.append("<dl>");
                for (Map.Entry<String, String> header : e.headers().entrySet()) {
                    h.append("<dt>")
                            .append(esc(header.getKey()))
                            .append("</dt><dd>")
                            .append(esc(header.getValue()))
                            .append("</dd>");
                }
                h.append("</dl>");
            }
            if (e.text() != null) {
                h.append("<pre>").append(esc(e.text())).append("</pre>");
            }
            if (e.html() != null) {
                h.append("<p><a href=\"/_local/emails/")
                        .append(esc(e.messageId()))
                        .append("/html\">HTML part</a></p>");
            }
            h.append("</article>");
        }
        return h.append("</body></html>").toString();
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
