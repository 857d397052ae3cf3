package io.toolace.stream.kafka.registry;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
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

    /**
     * The strategy a setting names, as users of Confluent's serializers write it: {@code topic},
     * {@code record}, {@code topic-record} (or {@code TOPIC_RECORD}), or the class names
     * {@code io.confluent.kafka.serializers.subject.TopicRecordNameStrategy} and the like, with or
     * without the package, so a properties file written for Confluent's serdes works unchanged.
     *
     * @throws IllegalArgumentException for any other name, listing the accepted ones
     */
    public static SubjectNameStrategy named(final String name) {
        final String simple = name.trim().substring(name.trim().lastIndexOf('.') + 1);
        final String bare = squeeze(simple.endsWith("NameStrategy")
                ? simple.substring(0, simple.length() - "NameStrategy".length()) : simple);
        for (final SubjectNameStrategy strategy : values()) {
            if (squeeze(strategy.name()).equals(bare)) {
                return strategy;
            }
        }
        throw new IllegalArgumentException("Unknown subject name strategy '" + name + "': use one of "
                + Arrays.stream(values()).map(s -> s.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                        .collect(Collectors.joining(", "))
                + " or Confluent's class names, e.g. io.confluent.kafka.serializers.subject.TopicNameStrategy");
    }

    private static String squeeze(final String name) {
        return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }
}
