package dev.flint.image;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme ({@code Basic},
 * {@code Bearer}) and its parameters ({@code realm}, {@code service}, {@code scope}, ...).
 * Parameter names are lowercased; values may be quoted strings with backslash escapes, and may
 * contain commas (a Bearer scope often does).
 */
public record AuthChallenge(String scheme, Map<String, String> params) {
    public AuthChallenge {
        params = Map.copyOf(params);
    }

    public String param(String name) {
        return params.get(name.toLowerCase(Locale.ROOT));
    }

    public boolean isScheme(String s) {
        return scheme.equalsIgnoreCase(s);
    }

    /** Every challenge in the header value, in order; an empty list for a blank or unparsable value. */
    public static List<AuthChallenge> parse(String header) {
        List<AuthChallenge> out = new ArrayList<>();
        if (header == null) {
            return out;
        }
        Parser p = new Parser(header);
        while (true) {
            p.skipSeparators();
            if (p.end()) {
                return out;
            }
            String scheme = p.token();
            if (scheme.isEmpty()) {
                p.i++; // a stray character: skip it
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            while (true) {
                p.skipSeparators();
                int mark = p.i;
                String name = p.token();
                if (name.isEmpty()) {
                    break;
                }
                p.skipSpaces();
                if (p.end() || p.peek() != '=') {
                    p.i = mark; // the next challenge's scheme
                    break;
                }
                p.i++; // '='
                p.skipSpaces();
                String value = !p.end() && p.peek() == '"' ? p.quoted() : p.until(',').strip();
                params.put(name.toLowerCase(Locale.ROOT), value);
            }
            out.add(new AuthChallenge(scheme, params));
        }
    }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        boolean end() {
            return i >= s.length();
        }

        char peek() {
            return s.charAt(i);
        }

        void skipSpaces() {
            while (!end() && (peek() == ' ' || peek() == '\t')) {
                i++;
            }
        }

        void skipSeparators() {
            while (!end() && (peek() == ' ' || peek() == '\t' || peek() == ',')) {
                i++;
            }
        }

        /** An RFC 7230 token (stops at space, comma, '=' and quotes). */
        String token() {
            int start = i;
            while (!end() && " \t,=\"".indexOf(peek()) < 0) {
                i++;
            }
            return s.substring(start, i);
        }

        String quoted() {
            StringBuilder b = new StringBuilder();
            i++; // opening quote
            while (!end() && peek() != '"') {
                char c = peek();
                if (c == '\\' && i + 1 < s.length()) {
                    i++;
                    c = peek();
                }
                b.append(c);
                i++;
            }
            if (!end()) {
                i++; // closing quote
            }
            return b.toString();
        }

        String until(char stop) {
            int start = i;
            while (!end() && peek() != stop) {
                i++;
            }
            return s.substring(start, i);
        }
    }
}
