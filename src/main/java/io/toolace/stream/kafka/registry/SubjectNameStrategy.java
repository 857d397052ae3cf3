package io.toolace.stream.kafka.registry;

import org.apache.avro.Schema;

/**
 * How a topic and a schema map to a registry subject, as Confluent's serializers name them.
 * The subject is what the registry checks compatibility within.
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value}: one evolving schema per topic (the default). */
    TOPIC {
        @Override
        public String subject(final String topic, final boolean isKey, final Schema schema) {
            return topic + (isKey ? "-key" : "-value");
        }
    },
    /** The record's full name: one evolving schema per record type, across topics. */
    RECORD {
        @Override
        public String subject(final String topic, final boolean isKey, final Schema schema) {
            return schema.getFullName();
        }
    },
    /** {@code <topic>-<record full name>}: several record types per topic, each evolving on its own. */
    TOPIC_RECORD {
        @Override
        public String subject(final String topic, final boolean isKey, final Schema schema) {
            return topic + "-" + schema.getFullName();
        }
    };

    public abstract String subject(String topic, boolean isKey, Schema schema);
}
