package io.toolace.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadReplacementTest {

    private final AtomicLong clock = new AtomicLong();
    private final ThreadReplacement replacement =
            new ThreadReplacement("planner", 3, Duration.ofMinutes(10), clock::get);

    /** As the planner's thread died on a starved broker: the commit found its transaction already ended. */
    private static Throwable brokerEndedTheTransaction() {
        return new StreamsException("Error encountered trying to commit a transaction",
                new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));
    }

    @Test
    void aTransactionTheBrokerEndedGetsANewThreadAndABugShutsTheStageDown() {
        assertThat(replacement.respond(brokerEndedTheTransaction())).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(replacement.respond(new StreamsException("processor failed", new IllegalStateException("bug"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(replacement.respond(new SerializationException("bad bytes")))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void moreThanTheLimitWithinTheWindowIsABrokenStageButTheCountForgetsOldReplacements() {
        for (int i = 0; i < 3; i++) {
            clock.addAndGet(Duration.ofMinutes(1).toNanos());
            assertThat(replacement.respond(brokerEndedTheTransaction())).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        }
        assertThat(replacement.respond(brokerEndedTheTransaction()))
                .as("a fourth within ten minutes").isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);

        clock.addAndGet(Duration.ofMinutes(9).toNanos() + 1);
        assertThat(replacement.respond(brokerEndedTheTransaction()))
                .as("the first replacement is now over ten minutes old").isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
}
