package io.toolace.stream.verify;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The JSON Schema string formats the rule layer checks. Other format names (ToolACE has
 * "comma-separated", even "string") are annotations, as JSON Schema treats unknown formats.
 */
enum StringFormat {

    /** {@code 2024-02-29}; the day must exist. */
    DATE {
        @Override
        boolean accepts(final String s) {
            return s.length() == 10 && parses(s, DateTimeFormatter.ISO_LOCAL_DATE);
        }
    },
    /**
     * RFC 3339 date-time. The offset may be left out, and a space may stand for the {@code T}: both
     * are common in generated data and still name one local moment unambiguously.
     */
    DATE_TIME {
        @Override
        boolean accepts(final String s) {
            return s.length() >= 16 && parses(s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s,
                    DateTimeFormatter.ISO_DATE_TIME);
        }
    },
    /** {@code 13:45:00}, offset optional. */
    TIME {
        @Override
        boolean accepts(final String s) {
            return parses(s, DateTimeFormatter.ISO_TIME);
        }
    },
    /**
     * A local part, {@code @}, and a domain of two or more dot-separated labels, without spaces. Not
     * a regex: one with a repeated group for the labels overflowed the stack on a few thousand.
     */
    EMAIL {
        @Override
        boolean accepts(final String s) {
            final int at = s.indexOf('@');
            if (at <= 0 || at == s.length() - 1 || s.indexOf('@', at + 1) >= 0) {
                return false;
            }
            int labels = 1;
            for (int i = 0; i < s.length(); i++) {
                final char c = s.charAt(i);
                if (c == ' ' || (c >= '\t' && c <= '\r')) {
                    return false;
                }
                if (i > at && c == '.') {
                    if (i == at + 1 || i == s.length() - 1 || s.charAt(i - 1) == '.') {
                        return false;
                    }
                    labels++;
                }
            }
            return labels >= 2;
        }
    },
    /** An absolute URI: a scheme is required. */
    URI_ABSOLUTE {
        @Override
        boolean accepts(final String s) {
            final URI uri = uri(s);
            return uri != null && uri.isAbsolute();
        }
    },
    URI_REFERENCE {
        @Override
        boolean accepts(final String s) {
            return uri(s) != null;
        }
    },
    UUID {
        private final Pattern shape = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

        @Override
        boolean accepts(final String s) {
            return shape.matcher(s).matches();
        }
    },
    IPV4 {
        private final Pattern shape = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

        @Override
        boolean accepts(final String s) {
            return shape.matcher(s).matches();
        }
    };

    abstract boolean accepts(String s);

    /** The format a JSON Schema name means, or {@code null} for a name that is only an annotation here. */
    static StringFormat byName(final String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "date" -> DATE;
            case "date-time", "datetime" -> DATE_TIME;
            case "time" -> TIME;
            case "email" -> EMAIL;
            case "uri", "url" -> URI_ABSOLUTE;
            case "uri-reference" -> URI_REFERENCE;
            case "uuid" -> UUID;
            case "ipv4" -> IPV4;
            default -> null;
        };
    }

    /** The JSON Schema name, for messages. */
    String schemaName() {
        return switch (this) {
            case DATE_TIME -> "date-time";
            case URI_ABSOLUTE -> "uri";
            case URI_REFERENCE -> "uri-reference";
            default -> name().toLowerCase(Locale.ROOT);
        };
    }

    private static boolean parses(final String s, final DateTimeFormatter formatter) {
        try {
            formatter.parse(s);
            return true;
        } catch (final DateTimeParseException e) {
            return false;
        }
    }

    private static URI uri(final String s) {
        try {
            return new URI(s);
        } catch (final URISyntaxException e) {
            return null;
        }
    }
}
