package io.toolace.stream.dialog;

import io.toolace.stream.StageFixtures;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.InlineLlm;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Sample;
import java.nio.file.Path;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The turn stage under a topology test driver, with every topic it reads and writes. */
final class TurnStageDriver implements AutoCloseable {

    final Topics topics;
    final TestInputTopic<String, DialogDraft> drafts;
    final TestInputTopic<String, LlmReply> replies;
    final TestOutputTopic<String, LlmRequest> requests;
    final TestOutputTopic<String, DialogDraft> nextDrafts;
    final TestOutputTopic<String, Sample> candidates;
    final TestOutputTopic<String, Sample> rejected;
    final TestOutputTopic<String, DialogOutcome> outcomes;
    private final StageFixtures fixtures;
    private final TopologyTestDriver driver;

    TurnStageDriver(final Path dir, final PipelineConfig config, final String applicationId) {
        this(dir, config, applicationId, null);
    }

    /** With {@code inline}, the stage runs each draft's loop itself ({@link InlineTurns}). */
    TurnStageDriver(final Path dir, final PipelineConfig config, final String applicationId, final InlineLlm inline) {
        fixtures = new StageFixtures(dir);
        topics = fixtures.topics;
        driver = new TopologyTestDriver(new TurnStage(topics, config, inline).buildTopology(),
                fixtures.driverProperties(applicationId));
        drafts = StageFixtures.input(driver, topics.drafts);
        replies = StageFixtures.input(driver, topics.dialogReplies);
        requests = StageFixtures.output(driver, topics.llmRequests);
        nextDrafts = StageFixtures.output(driver, topics.drafts);
        candidates = StageFixtures.output(driver, topics.sampleCandidates);
        rejected = StageFixtures.output(driver, topics.rejected);
        outcomes = StageFixtures.output(driver, topics.outcomes);
    }

    @Override
    public void close() {
        driver.close();
        fixtures.close();
    }
}
