package io.toolace.stream.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.StageFixtures;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.OutcomeStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerStageTest {

    private static final Duration TICK = Duration.ofMillis(20);
    private static final String HARDER = "Ask for more";
    private static final String LESS_LITERAL = "less literal";
    private static final String EASIER = "Keep it simple";

    @TempDir
    Path dir;

    private StageFixtures fixtures;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ApiDefinition> pool;
    private TestInputTopic<String, DialogOutcome> outcomes;
    private TestOutputTopic<String, DialogDraft> drafts;

    @BeforeEach
    void start() {
        fixtures = new StageFixtures(dir);
    }

    private void open(final PipelineConfig config) {
        final var topics = fixtures.topics;
        driver = new TopologyTestDriver(new PlannerStage(topics, config).buildTopology(),
                fixtures.driverProperties("planner-stage-test"));
        pool = StageFixtures.input(driver, topics.pool);
        outcomes = StageFixtures.input(driver, topics.outcomes);
        drafts = StageFixtures.output(driver, topics.drafts);
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
        fixtures.close();
    }

    private static PipelineConfig.Builder oneTask(final Path dir) {
        return PipelineConfig.builder(dir).partitions(1);
    }

    /** APIs of distinct names over four domains, so every tool count the planner asks for can be met. */
    private void feedPool(final int size) {
        for (int i = 0; i < size; i++) {
            final ApiDefinition api = ApiDefinition.newBuilder(StageFixtures.weatherApi())
                    .setId("api-" + i).setName("Tool " + i).setDomain("domain" + i % 4).setSubdomain("sub" + i % 8)
                    .build();
            pool.pipeInput(api.getId(), api);
        }
    }

    private List<DialogDraft> plan() {
        driver.advanceWallClockTime(TICK);
        return drafts.readValuesToList();
    }

    private void end(final DialogDraft draft, final OutcomeStatus status, final double complexity) {
        outcomes.pipeInput("0", DialogOutcome.newBuilder()
                .setDialogId(draft.getId())
                .setPlannerPartition(draft.getPlannerPartition())
                .setStatus(status)
                .setDialogType(draft.getDialogType())
                .setComplexity(complexity)
                .build());
    }

    @Test
    void theVerifiedSamplesKeepTheConfiguredMixThoughTypesAreRejectedAtDifferentRates() {
        // Given a planner that plans 10,000 dialogs, and types that fail verification at 5% to 30%
        final Map<DialogType, Double> rejection = new EnumMap<>(Map.of(DialogType.SINGLE, 0.05,
                DialogType.PARALLEL, 0.15, DialogType.DEPENDENT, 0.20, DialogType.NON_TOOL, 0.10,
                DialogType.CLARIFY, 0.30));
        final PipelineConfig config = oneTask(dir).maxInFlightDialogs(300).planLimit(10_000).build();
        open(config);
        feedPool(Planner.MIN_POOL);

        // When every draft ends after a random delay, verified or rejected at its type's rate
        final Random rnd = new Random(7);
        final List<DialogDraft> inFlight = new ArrayList<>();
        final Map<DialogType, Integer> verified = new EnumMap<>(DialogType.class);
        int planned = 0;
        while (planned < 10_000 || !inFlight.isEmpty()) {
            final List<DialogDraft> batch = plan();
            planned += batch.size();
            inFlight.addAll(batch);
            for (int i = inFlight.size() - 1; i >= 0; i--) {
                if (rnd.nextInt(3) == 0 || planned >= 10_000) {
                    final DialogDraft draft = inFlight.remove(i);
                    final boolean passed = rnd.nextDouble() >= rejection.get(draft.getDialogType());
                    end(draft, passed ? OutcomeStatus.VERIFIED : OutcomeStatus.REJECTED, 0.5);
                    verified.merge(draft.getDialogType(), passed ? 1 : 0, Integer::sum);
                }
            }
        }

        // Then each type's share of the verified samples is within 2 points of its configured share
        final double total = verified.values().stream().mapToInt(Integer::intValue).sum();
        double worst = 0;
        for (final Map.Entry<DialogType, Double> target : config.dialogMix().entrySet()) {
            final double share = verified.getOrDefault(target.getKey(), 0) / total;
            worst = Math.max(worst, Math.abs(share - target.getValue()));
        }
        System.out.printf("verified %d of %d planned; largest deviation from the mix %.2f points%n",
                (long) total, planned, 100 * worst);
        assertThat(planned).isEqualTo(10_000);
        assertThat(worst).isLessThan(0.02);
    }

    @Test
    void lowMeasuredComplexityMakesTheNextDraftsHarderWithMoreTools() {
        open(oneTask(dir).maxInFlightDialogs(60).build());
        feedPool(Planner.MIN_POOL);
        final List<DialogDraft> first = plan();
        assertThat(first).hasSize(60).noneMatch(d -> d.getUserInstruction().contains(HARDER));
        assertThat(first).as("the system prompt is made from the tools at the loop's end, not carried around it")
                .allMatch(d -> d.getSystem().isEmpty());

        first.forEach(d -> end(d, OutcomeStatus.VERIFIED, 0.05));
        final List<DialogDraft> next = plan();

        assertThat(next).hasSize(60).allMatch(d -> d.getUserInstruction().contains(HARDER)
                && d.getUserInstruction().contains(LESS_LITERAL));
        assertThat(next).allMatch(d -> d.getTools().size() >= 3);
        assertThat(meanTools(next)).isGreaterThan(meanTools(first));
    }

    @Test
    void highMeasuredComplexityMakesTheNextDraftsEasierWithFewerTools() {
        open(oneTask(dir).maxInFlightDialogs(60).build());
        feedPool(Planner.MIN_POOL);
        final List<DialogDraft> first = plan();
        assertThat(first).noneMatch(d -> d.getUserInstruction().contains(EASIER));

        first.forEach(d -> end(d, OutcomeStatus.VERIFIED, 0.95));
        final List<DialogDraft> next = plan();

        assertThat(next).hasSize(60).allMatch(d -> d.getUserInstruction().contains(EASIER));
        assertThat(next).allMatch(d -> d.getTools().size() <= 2);
        assertThat(meanTools(next)).isLessThan(meanTools(first));
    }

    @Test
    void complexityInsideTheBandOrOfRejectedSamplesLeavesTheDraftsAsTheyWere() {
        open(oneTask(dir).maxInFlightDialogs(60).complexityBand(0.4, 0.6).build());
        feedPool(Planner.MIN_POOL);
        final List<DialogDraft> first = plan();
        first.subList(0, 30).forEach(d -> end(d, OutcomeStatus.VERIFIED, 0.5));
        first.subList(30, 60).forEach(d -> end(d, OutcomeStatus.REJECTED, 0.0));

        assertThat(plan()).hasSize(60).noneMatch(d -> d.getUserInstruction().contains(HARDER)
                || d.getUserInstruction().contains(EASIER));
    }

    @Test
    void aSmallPoolThatStoppedGrowingIsPlannedFromAfterItSettles() {
        open(oneTask(dir).maxInFlightDialogs(10).build());
        feedPool(3);

        assertThat(plan()).isEmpty();
        driver.advanceWallClockTime(Duration.ofMillis(Planner.POOL_SETTLE_MS / 2));
        assertThat(drafts.isEmpty()).isTrue();
        feedPool(4);
        driver.advanceWallClockTime(Duration.ofMillis(Planner.POOL_SETTLE_MS / 2 + 100));
        assertThat(drafts.isEmpty()).as("the pool grew, so the wait starts again").isTrue();

        driver.advanceWallClockTime(Duration.ofMillis(Planner.POOL_SETTLE_MS / 2));
        assertThat(drafts.readValuesToList()).hasSize(10)
                .allMatch(d -> d.getTools().stream().allMatch(t -> t.getId().matches("api-[0-3]")));
    }

    private static double meanTools(final List<DialogDraft> drafts) {
        return drafts.stream().mapToInt(d -> d.getTools().size()).average().orElseThrow();
    }
}
