package io.toolace.stream.records;

import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Helpers over the records generated from {@code schemas/}.
 *
 * <p>A generated builder made from a record deep-copies every field, the tools of a draft and the turns of a
 * sample included, and the stages derive a record from another on every turn and every verdict: in the
 * inline turn loop that copying was a tenth of the dialog stage's time. No stage changes a record it has
 * read or written in place, so a copy that shares the fields it does not replace is safe.
 */
public final class Records {

    private Records() {}

    /** A new record holding the same field values as {@code record}, not copies of them; set what differs. */
    public static <T extends SpecificRecordBase> T shallowCopy(final T record, final Supplier<T> blank) {
        final T copy = blank.get();
        final int fields = record.getSchema().getFields().size();
        for (int field = 0; field < fields; field++) {
            copy.put(field, record.get(field));
        }
        return copy;
    }
}
