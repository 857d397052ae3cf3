package io.toolace.stream.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class SameInstanceTest {

    @Test
    void aSpecIsItsOwnKeyAndNoEqualCopyIs() {
        final ToolSpec spec = new ToolSpec("f", "d", JsonNodeFactory.instance.objectNode(), null);
        final ToolSpec copy = new ToolSpec("f", "d", JsonNodeFactory.instance.objectNode(), null);
        assertThat(copy).isEqualTo(spec);

        final BoundedCache<SameInstance<ToolSpec>, String> memo = new BoundedCache<>(8);
        memo.put(new SameInstance<>(spec), "compiled");
        assertThat(memo.peek(new SameInstance<>(spec))).isEqualTo("compiled");
        assertThat(memo.peek(new SameInstance<>(copy))).isNull();
    }
}
