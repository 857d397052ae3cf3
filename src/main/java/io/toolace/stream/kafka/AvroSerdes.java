package io.toolace.stream.kafka;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Makes the value serde of a record type; one implementation per wire format (registry, plain). */
@FunctionalInterface
public interface AvroSerdes {
    <T extends SpecificRecord> Serde<T> serde(Class<T> type);
}
