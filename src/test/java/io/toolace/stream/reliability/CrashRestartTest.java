package io.toolace.stream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.Pipeline;
import io.toolace.stream.kafka.PipelineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} on the embedded broker, SIGKILLed at random moments and restarted on the same data
 * directory each time, still ends every planned dialog exactly once, with an export equal to the
 * verified topic. Every second run asks the procedural agents and judges inline ({@code --inline-backend}),
 * where a dialog's whole turn loop is one processing step, and the others through the gateway, so each mode
 * is killed and each restarts on what the other left. See {@link RunForm} for the long form.
 */
class CrashRestartTest {

    /** Kept when the test fails: the child logs (run-NN.log) and the data directory tell what happened. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void runKilledAtRandomMomentsEndsEveryPlannedDialogExactlyOnce() throws Exception {
        final RunForm form = RunForm.crashes();
        final Path data = dir.resolve("data");
        final Path export = dir.resolve("out/verified.jsonl");
        final CrashHarness harness = new CrashHarness(dir, launch -> launch % 2 == 1
                ? form.runArgs(data, export, "--inline-backend") : form.runArgs(data, export), export, form.seed());
        final long started = System.nanoTime();

        // Given a run killed (SIGKILL) again and again at random moments, restarted on its data directory each time
        final CrashHarness.Kills kills = harness.kill(form.faults(), form.maxUptime(), form.exportCapPerRun());

        // When a last run goes on until every planned dialog has ended
        harness.finish(Duration.ofMinutes(RunForm.LONG ? 30 : 5));

        // Then the topics and the export hold each dialog's end once: nothing lost, nothing twice
        final Ledger ledger;
        try (Pipeline readBack = Pipeline.start(PipelineConfig.builder(data).partitions(RunForm.PARTITIONS).build(),
                Set.of(), Duration.ofMinutes(1))) {
            ledger = Ledger.read(readBack.clientConfig(), readBack.topics(), form.planLimit(), export);
        }
        System.out.printf("crash harness (seed %d, odd runs inline): kills %d (%d in start-up), %s,"
                        + " hanging transactions aborted %d;"
                        + " export lines after each kill %s; seconds to running after a restart %s; %.0f s%n",
                form.seed(), kills.kills(), kills.inStartUp(), ledger.figures(), harness.hangingAborted(),
                kills.exportedAtKill(), kills.secondsToRunning(), (System.nanoTime() - started) / 1e9);
        assertThat(kills.kills()).isEqualTo(form.faults());
        ledger.assertExactlyOnce();
    }
}
