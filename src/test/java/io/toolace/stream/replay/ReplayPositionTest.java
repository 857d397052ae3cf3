package io.toolace.stream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayPositionTest {

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void readsOffsetsInstantsAndDurationsBackFromNow() {
        assertThat(ReplayPosition.parse("120", NOW)).isEqualTo(new ReplayPosition.Offset(120));
        assertThat(ReplayPosition.parse("2026-11-18T00:00:00Z", NOW))
                .isEqualTo(new ReplayPosition.Time(Instant.parse("2026-11-18T00:00:00Z")));
        assertThat(ReplayPosition.parse("P7D", NOW))
                .isEqualTo(new ReplayPosition.Time(Instant.parse("2026-11-18T12:00:00Z")));
        assertThat(ReplayPosition.parse("PT90M", NOW))
                .isEqualTo(new ReplayPosition.Time(Instant.parse("2026-11-25T10:30:00Z")));
    }

    @Test
    void refusesWhatIsNoPosition() {
        for (final String text : List.of("-1", "yesterday", "2026-11-18", "P7X", "")) {
            assertThatThrownBy(() -> ReplayPosition.parse(text, NOW)).as(text)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
