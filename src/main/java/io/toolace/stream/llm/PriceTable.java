package io.toolace.stream.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each model costs, in USD per million prompt and per million completion tokens. A model
 * without a price costs 0: the procedural backend, a local server, or one not configured yet.
 *
 * <p>A price file is YAML, one entry per model:
 * <pre>
 * gpt-4o-mini: {prompt: 0.15, completion: 0.60}
 * "llama3.1:8b": {prompt: 0, completion: 0}
 * </pre>
 */
public final class PriceTable {

    public static final PriceTable NONE = new PriceTable(Map.of());

    /** USD per million tokens. */
    public record Price(double prompt, double completion) {
        public Price {
            if (!(prompt >= 0 && completion >= 0)) {
                throw new IllegalArgumentException("prices must be at least 0, got " + prompt + "," + completion);
            }
        }
    }

    private final Map<String, Price> prices;

    public PriceTable(final Map<String, Price> prices) {
        this.prices = Map.copyOf(prices);
    }

    /** The prices of a YAML file. */
    public static PriceTable load(final Path file) {
        try {
            final Map<String, Price> prices = new ObjectMapper(new YAMLFactory())
                    .readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Price>>() {});
            return new PriceTable(prices == null ? Map.of() : prices);
        } catch (final JsonProcessingException e) {
            throw new IllegalArgumentException("price file " + file + " is not 'model: {prompt: USD, completion: USD}'"
                    + " YAML: " + e.getOriginalMessage(), e);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read price file " + file, e);
        }
    }

    /** This table with the prices of {@code MODEL=PROMPT,COMPLETION} added; a model name may contain '='. */
    public PriceTable with(final String assignment) {
        final int eq = assignment.lastIndexOf('=');
        final String[] usd = eq < 0 ? new String[0] : assignment.substring(eq + 1).split(",", -1);
        if (eq <= 0 || usd.length != 2) {
            throw new IllegalArgumentException("a price is MODEL=PROMPT,COMPLETION in USD per million tokens, not '"
                    + assignment + "'");
        }
        final Price price;
        try {
            price = new Price(Double.parseDouble(usd[0].trim()), Double.parseDouble(usd[1].trim()));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("a price is MODEL=PROMPT,COMPLETION in USD per million tokens, not '"
                    + assignment + "'", e);
        }
        final Map<String, Price> merged = new TreeMap<>(prices);
        merged.put(assignment.substring(0, eq).trim(), price);
        return new PriceTable(merged);
    }

    public double costUsd(final String model, final long promptTokens, final long completionTokens) {
        final Price price = prices.get(model);
        return price == null ? 0 : (promptTokens * price.prompt() + completionTokens * price.completion()) / 1e6;
    }

    public boolean priced(final String model) {
        return prices.containsKey(model);
    }

    public Map<String, Price> prices() {
        return prices;
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof PriceTable table && table.prices.equals(prices);
    }

    @Override
    public int hashCode() {
        return prices.hashCode();
    }

    @Override
    public String toString() {
        return new TreeMap<>(prices).toString();
    }
}
