package io.toolace.stream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.Pipeline;
import io.toolace.stream.kafka.PipelineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} against a broker in a process of its own ({@code broker}) that is stopped and started
 * again on the same data directory and port while the stages work: the pipeline rides it out without
 * a hand on it and still ends every planned dialog exactly once. Stops alternate between SIGTERM (a
 * clean shutdown, as a rolling restart does) and SIGKILL (a crashed broker). The pipeline keeps its
 * own embedded registry: the broker is what fails here.
 */
class BrokerFaultTest {

    private static final String BROKER_READY = "broker ready";
    private static final String BOOTSTRAP = "--bootstrap-servers ";
    /** What the embedded broker logs once it has shut down cleanly. */
    private static final String CLEAN_STOP = " stopped in ";
    /**
     * A broker SIGKILLed with a few thousand dialogs in its logs recovers them on start: 73 s was seen on a
     * starved machine, so the bound is well above what a start should take.
     */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    /** Longest a broker stays down; every client waits for it longer than this (delivery timeout 120 s). */
    private static final Duration MAX_DOWNTIME = Duration.ofSeconds(RunForm.LONG ? 20 : 5);

    /** Kept when the test fails: the broker and run logs and both data directories tell what happened. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final List<ChildJvm> children = new ArrayList<>();
    private int launches;

    @Test
    void pipelineRidesOutBrokerRestartsAndEndsEveryPlannedDialogExactlyOnce() throws Exception {
        final RunForm form = RunForm.brokerFaults();
        final Random random = new Random(form.seed());
        final Path brokerData = dir.resolve("broker");
        final Path data = dir.resolve("pipeline");
        final Path export = dir.resolve("out/verified.jsonl");
        final long started = System.nanoTime();
        try {
            // Given a broker process and a pipeline process using it
            ChildJvm broker = launch("broker", List.of("broker", "--data-dir", brokerData.toString(),
                    "--partitions", Integer.toString(RunForm.PARTITIONS)));
            final String bootstrap = bootstrapOf(broker);
            final ChildJvm run = launch("run", form.runArgs(data, export, "--bootstrap-servers", bootstrap));
            assertThat(run.awaitLine(CrashHarness.RUNNING, START_TIMEOUT)).as("run started\n%s", run.tail())
                    .isPresent();

            // When the broker is stopped while the stages work, and started again on its data directory and port
            int kills = 0;
            long downMillis = 0;
            final List<Long> exportedAtStop = new ArrayList<>();
            // The first stop once dialogs flow (the first sample is exported), not while the pool grows
            CrashHarness.awaitExportBeyond(run, export, 0);
            for (int fault = 0; fault < form.faults(); fault++) {
                Thread.sleep((long) (random.nextDouble() * form.maxUptime().toMillis()));
                assertThat(run.alive()).as("run still working at broker stop %d (raise the plan limit)\n%s",
                        fault + 1, run.tail()).isTrue();
                exportedAtStop.add(CrashHarness.lines(export));
                if (fault % 2 == 1) {
                    broker.kill();
                    kills++;
                } else {
                    broker.stop();
                    assertThat(broker.awaitLine(CLEAN_STOP, Duration.ZERO)).as("clean broker stop\n%s", broker.tail())
                            .isPresent();
                }
                final long down = 1_000 + (long) (random.nextDouble() * (MAX_DOWNTIME.toMillis() - 1_000));
                Thread.sleep(down);
                downMillis += down;
                broker = launch("broker", List.of("broker", "--data-dir", brokerData.toString(),
                        "--partitions", Integer.toString(RunForm.PARTITIONS)));
                assertThat(bootstrapOf(broker)).as("address of the restarted broker").isEqualTo(bootstrap);
            }

            // Then the run ends by itself, and the topics and the export hold each dialog's end once
            final Optional<Integer> exit = run.awaitExit(Duration.ofMinutes(RunForm.LONG ? 30 : 5));
            assertThat(exit).as("run ended\n%s", run.tail()).isPresent();
            assertThat(exit.get()).as("exit code of run\n%s", run.tail()).isZero();
            final Ledger ledger;
            try (Pipeline readBack = Pipeline.start(PipelineConfig.builder(data).bootstrapServers(bootstrap)
                    .partitions(RunForm.PARTITIONS).build(), Set.of(), Duration.ofMinutes(1))) {
                ledger = Ledger.read(readBack.clientConfig(), readBack.topics(), form.planLimit(), export);
            }
            long hangingAborted = 0;
            for (int launch = 1; launch <= launches; launch++) {
                hangingAborted += ChildJvm.count(dir.resolve(String.format("%02d-broker.log", launch)),
                        CrashHarness.HANG_ABORTED);
            }
            System.out.printf("broker faults (seed %d): broker stops %d (%d SIGKILL, %d SIGTERM), down %.0f s in all,"
                            + " %s, hanging transactions aborted %d; export lines at each stop %s; %.0f s%n",
                    form.seed(), form.faults(), kills, form.faults() - kills, downMillis / 1e3, ledger.figures(),
                    hangingAborted, exportedAtStop, (System.nanoTime() - started) / 1e9);
            ledger.assertExactlyOnce();
        } finally {
            for (final ChildJvm child : children) {
                child.close();
            }
        }
    }

    private ChildJvm launch(final String name, final List<String> args) {
        launches++;
        final ChildJvm child = ChildJvm.start(dir.resolve(String.format("%02d-%s.log", launches, name)), args);
        children.add(child);
        return child;
    }

    private static String bootstrapOf(final ChildJvm broker) throws InterruptedException {
        assertThat(broker.awaitLine(BROKER_READY, START_TIMEOUT)).as("broker started\n%s", broker.tail()).isPresent();
        final String line = broker.awaitLine(BOOTSTRAP, Duration.ofSeconds(5)).orElseThrow();
        return line.substring(line.indexOf(BOOTSTRAP) + BOOTSTRAP.length()).trim();
    }
}
