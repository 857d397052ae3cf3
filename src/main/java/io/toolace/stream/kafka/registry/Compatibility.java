package io.toolace.stream.kafka.registry;

import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/** Avro schema resolution as both the registry (on register) and the deserializer (per writer id) check it. */
final class Compatibility {

    private Compatibility() {}

    /**
     * Why a reader with {@code reader} cannot read data written with {@code writer}, one problem per
     * entry with Avro's name for it and its location in the schema, e.g. {@code
     * READER_FIELD_MISSING_DEFAULT_VALUE language at /fields/5}; empty when it can.
     */
    static String problems(final Schema reader, final Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult().getIncompatibilities()
                .stream()
                .map(problem -> problem.getType() + " " + problem.getMessage() + " at " + problem.getLocation())
                .collect(Collectors.joining("; "));
    }
}
