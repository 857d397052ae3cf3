package io.toolace.stream.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {

    @TempDir
    Path dir;

    @Test
    void costIsTokensTimesThePricePerMillion() {
        final PriceTable prices = PriceTable.NONE.with("gpt-4o-mini=0.15,0.60");

        assertThat(prices.costUsd("gpt-4o-mini", 1_000_000, 500_000)).isCloseTo(0.45, within(1e-12));
        assertThat(prices.costUsd("procedural-v1", 1_000_000, 1_000_000)).isZero();
        assertThat(prices.priced("procedural-v1")).isFalse();
    }

    @Test
    void aModelNameMayHoldColonsAndEqualsSigns() {
        final PriceTable prices = PriceTable.NONE.with("llama3.1:8b=0,0").with("org/m=v2 = 1, 2");

        assertThat(prices.prices()).containsEntry("llama3.1:8b", new PriceTable.Price(0, 0))
                .containsEntry("org/m=v2", new PriceTable.Price(1, 2));
    }

    @Test
    void aMalformedPriceSaysWhatAPriceLooksLike() {
        for (final String bad : new String[] {"gpt", "=1,2", "gpt=1", "gpt=1,2,3", "gpt=a,b", "gpt=-1,2"}) {
            assertThatThrownBy(() -> PriceTable.NONE.with(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aPriceFileIsYamlAndAPriceOptionWinsOverIt() throws Exception {
        final Path file = dir.resolve("prices.yaml");
        Files.writeString(file, "gpt-4o: {prompt: 2.5, completion: 10}\n\"llama3.1:8b\": {prompt: 0, completion: 0}\n");

        final PriceTable prices = PriceTable.load(file).with("gpt-4o=1,4");

        assertThat(prices.prices()).containsEntry("gpt-4o", new PriceTable.Price(1, 4))
                .containsEntry("llama3.1:8b", new PriceTable.Price(0, 0));
    }

    @Test
    void aPriceFileOfAnotherShapeIsRefusedWithTheExpectedShape() throws Exception {
        final Path file = dir.resolve("prices.yaml");
        Files.writeString(file, "gpt-4o: [2.5, 10]\n");

        assertThatThrownBy(() -> PriceTable.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model: {prompt: USD, completion: USD}");
    }
}
