package com.liveshop.sessions.service;

/** Escaping of user text (a show's title) into HTML; SES placeholders in a template are neutralized too. */
final class Html {

    private Html() {}

    /** Text for an HTML element or a quoted attribute: & < > " ' and the braces of a {{placeholder}} as entities. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '{' -> out.append("&#123;");
                case '}' -> out.append("&#125;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Plain text for a template's text part: a "{{" the user typed must not become a placeholder. */
    static String plainTemplateText(String text) {
        return text.replace("{{", "{ {").replace("}}", "} }");
    }
}
