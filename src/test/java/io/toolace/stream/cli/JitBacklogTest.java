package io.toolace.stream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JitBacklogTest {

    /** The layout of {@code jcmd PID Compiler.queue} on a JDK 17 HotSpot, cut from a pipeline 13 minutes in. */
    private static final String QUEUE = """
            Current compiles:\s
            C2 CompilerThread0  52412       4       io.toolace.stream.llm.procedural.sdg.DialogAgents::thinking (288 bytes)
            C1 CompilerThread0  52413       3       java.lang.String::indexOf (7 bytes)

            C1 compile queue:
            52414       3       java.util.ArrayList::add (25 bytes)

            C2 compile queue:
            26121       4       org.apache.kafka.server.util.timer.SystemTimer::size (8 bytes)
            26122   !   4       org.apache.kafka.server.purgatory.DelayedOperationPurgatory$ExpiredOperationReaper::doWork (24 bytes)
            26164 % !   4       kafka.server.KafkaRequestHandler::run @ 13 (556 bytes)

            """;

    @Test
    void countsOnlyTheMethodsWaitingForC2() {
        assertThat(JitBacklog.waitingForC2(QUEUE)).isEqualTo(3);
    }

    @Test
    void anEmptyC2QueueIsNoneWaiting() {
        assertThat(JitBacklog.waitingForC2("Current compiles:\n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\nEmpty\n"))
                .isZero();
    }

    @Test
    void aJvmWithoutC2SaysNothing() {
        assertThat(JitBacklog.waitingForC2("Current compiles:\n\nC1 compile queue:\nEmpty\n")).isEqualTo(-1);
    }

    @Test
    void thisJvmAnswersTheDiagnosticCommand() {
        // The tests run on HotSpot with tiered compilation, which has a C2 queue; under -XX:TieredStopAtLevel=1 it would be -1.
        assertThat(JitBacklog.c2Queue()).isGreaterThanOrEqualTo(0);
        assertThat(JitBacklog.compileMillis()).isPositive();
    }
}
