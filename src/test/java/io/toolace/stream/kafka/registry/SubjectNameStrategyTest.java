package io.toolace.stream.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubjectNameStrategyTest {

    @ParameterizedTest
    @CsvSource({
        "topic, TOPIC",
        "record, RECORD",
        "topic-record, TOPIC_RECORD",
        "TOPIC_RECORD, TOPIC_RECORD",
        "TopicRecordNameStrategy, TOPIC_RECORD",
        "io.confluent.kafka.serializers.subject.TopicNameStrategy, TOPIC",
        "io.confluent.kafka.serializers.subject.RecordNameStrategy, RECORD",
        "' io.confluent.kafka.serializers.subject.TopicRecordNameStrategy ', TOPIC_RECORD",
    })
    void settingsNameStrategiesAsConfluentsSerdesDo(final String name, final SubjectNameStrategy expected) {
        assertThat(SubjectNameStrategy.named(name)).isEqualTo(expected);
    }
}
