package io.toolace.stream.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.Pipeline;
import io.toolace.stream.StageFixtures;
import io.toolace.stream.TopicReader;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.OutcomeStatus;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Turn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consistency vote with the openai backend, on a real broker against a fake OpenAI server: each
 * assistant action is asked three times; an action two answers agree on is kept, one no majority agrees
 * on is asked again and then drops its dialog with the reason.
 */
class OpenAiVoteTest {

    @TempDir
    Path dataDir;

    @Test
    void theVoteKeepsTheMajorityCallAndDropsADialogWhoseAnswersNeverAgree() throws Exception {
        final Map<String, AtomicInteger> assistantAnswers = new ConcurrentHashMap<>();
        try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
            // Given a model whose assistant answers for dialog A agree two times in three, and for B never
            server.answerWith(request -> {
                final String system = request.message("system");
                final String prompt = request.message("user");
                final String dialog = prompt.contains("Dialog B") || prompt.contains("[B]") ? "B" : "A";
                if (system.startsWith("You play the user")) {
                    return FakeOpenAiServer.Reply.answer("{\"text\": \"What is the hourly forecast for Porto? [" + dialog + "]\"}");
                }
                if (system.startsWith("You simulate")) {
                    return FakeOpenAiServer.Reply.answer(
                            "{\"results\": [{\"name\": \"Get Hourly Forecast\", \"results\": {\"temperature\": 18.5}}]}");
                }
                if (prompt.contains("] tool: ")) {
                    return FakeOpenAiServer.Reply.answer("{\"thinking\": [\"need_tool: no\"], \"calls\": [],"
                            + " \"text\": \"Porto will be at 18.5 degrees.\", \"finished\": true}");
                }
                final int n = assistantAnswers.computeIfAbsent(dialog, d -> new AtomicInteger()).incrementAndGet();
                final String city = dialog.equals("B") ? "City" + n : n % 3 == 0 ? "Lisbon" : "Porto";
                return FakeOpenAiServer.Reply.answer("{\"thinking\": [\"need_tool: yes\", \"api: Get Hourly Forecast\","
                        + " \"required: city <- user\"], \"calls\": [{\"name\": \"Get Hourly Forecast\","
                        + " \"arguments\": {\"city\": \"" + city + "\"}}], \"text\": null, \"finished\": false}");
            });
            final PipelineConfig config = PipelineConfig.builder(dataDir).partitions(1).assistantVotes(3).voteRetries(1)
                    .build();
            try (Pipeline pipeline = Pipeline.start(config, new LinkedHashSet<>(List.of("dialog", "gateway")),
                    Duration.ofMinutes(2), new OpenAiBackend(OpenAiEndpoint.of(server.baseUrl(), "fake-model")))) {
                // When two drafts enter the turn loop
                try (KafkaProducer<String, DialogDraft> producer = new KafkaProducer<>(
                        pipeline.clientConfig().clientProperties(), new StringSerializer(),
                        pipeline.topics().drafts.valueSerde().serializer())) {
                    for (final String dialog : List.of("A", "B")) {
                        final DialogDraft draft = DialogDraft.newBuilder(StageFixtures.draft("dialog-" + dialog, 0))
                                .setUserInstruction("Dialog " + dialog).build();
                        producer.send(new ProducerRecord<>(pipeline.topics().drafts.name(), draft.getId(), draft));
                    }
                }

                // Then A becomes a sample calling with the majority's argument, asked twice: its first two answers
                // agree, a majority of three, so the third is never asked
                final Sample sample = await(() -> TopicReader.readAll(pipeline.clientConfig(),
                        pipeline.topics().sampleCandidates)).value();
                assertThat(sample.getDialogId()).isEqualTo("dialog-A");
                final List<Turn> calls = sample.getTurns().stream().filter(t -> !t.getCalls().isEmpty()).toList();
                assertThat(calls).singleElement()
                        .satisfies(t -> assertThat(t.getCalls().get(0).getArguments()).isEqualTo("{\"city\":\"Porto\"}"));

                // and B is asked twice three times, then rejected with the reason
                final DialogOutcome outcome = await(() -> TopicReader.readAll(pipeline.clientConfig(),
                        pipeline.topics().outcomes)).value();
                assertThat(outcome.getDialogId()).isEqualTo("dialog-B");
                assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.REJECTED);
                assertThat(outcome.getRules()).containsExactly("ASSISTANT_VOTE_DISAGREED");
                assertThat(outcome.getReason()).contains("no majority of 3 answers");
                assertThat(assistantAnswers.get("B").get()).isEqualTo(6);
                assertThat(assistantAnswers.get("A").get()).isEqualTo(2);
            }
        }
    }

    private interface Read<V> {
        List<ConsumerRecord<String, V>> all();
    }

    private static <V> ConsumerRecord<String, V> await(final Read<V> read) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        List<ConsumerRecord<String, V>> records = read.all();
        while (records.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(300);
            records = read.all();
        }
        assertThat(records).hasSize(1);
        return records.get(0);
    }
}
