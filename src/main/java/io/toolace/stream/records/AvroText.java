package io.toolace.stream.records;

import java.util.Collection;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

/**
 * The text Avro's {@code toString} gives a record or a list of records, written without its walk's overheads (an
 * identity map against cycles, a type test chain and a character switch for every datum). A sample's id hashes
 * its turns as this text, so it must stay exactly Avro's: {@code AvroTextTest} compares the two on random turns.
 * Types the pipeline's turns do not hold (maps, bytes, fixed, floating point) are handed to Avro itself.
 */
public final class AvroText {

    private AvroText() {}

    /** As {@code datum.toString()} for a record or a collection of them, {@code GenericData.toString} within. */
    public static String of(final Object datum) {
        final StringBuilder out = new StringBuilder(256);
        write(datum, out);
        return out.toString();
    }

    private static void write(final Object datum, final StringBuilder out) {
        if (datum == null) {
            out.append("null");
        } else if (datum instanceof IndexedRecord record) {
            final Schema schema = record.getSchema();
            out.append('{');
            int count = 0;
            for (final Schema.Field field : schema.getFields()) {
                quoted(field.name(), out);
                out.append(": ");
                write(record.get(field.pos()), out);
                if (++count < schema.getFields().size()) {
                    out.append(", ");
                }
            }
            out.append('}');
        } else if (datum instanceof Collection<?> items) {
            out.append('[');
            int count = 0;
            for (final Object item : items) {
                write(item, out);
                if (++count < items.size()) {
                    out.append(", ");
                }
            }
            out.append(']');
        } else if (datum instanceof CharSequence || datum instanceof Enum<?>) {
            quoted(datum.toString(), out);
        } else if (datum instanceof Integer || datum instanceof Long || datum instanceof Boolean) {
            out.append(datum);
        } else {
            out.append(GenericData.get().toString(datum));
        }
    }

    /** Between quotes, escaped as Avro escapes: runs that need no escape are copied whole. */
    private static void quoted(final String text, final StringBuilder out) {
        out.append('"');
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            final String escape = escape(c);
            if (escape != null) {
                out.append(text, run, i).append(escape);
                run = i + 1;
            }
        }
        out.append(text, run, text.length()).append('"');
    }

    private static String escape(final char c) {
        switch (c) {
            case '"': return "\\\"";
            case '\\': return "\\\\";
            case '\b': return "\\b";
            case '\f': return "\\f";
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            default:
                if (c <= '\u001F' || c >= '\u007F' && c <= '\u009F' || c >= '\u2000' && c <= '\u20FF') {
                    final String hex = Integer.toHexString(c).toUpperCase(Locale.ROOT);
                    return "\\u" + "0000".substring(hex.length()) + hex;
                }
                return null;
        }
    }
}
