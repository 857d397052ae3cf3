package io.toolace.stream.evolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ContextPathsTest {

    @Test
    void idLowercasesStripsPunctuationAndCollapsesWhitespace() {
        assertThat(ContextPaths.id(List.of("Finance", "  Payments ", "Refund a   payment!")))
                .isEqualTo("finance/payments/refund a payment");
        assertThat(ContextPaths.id(List.of("Travel", "Payouts/Transfers", "user's \"check-in\" (date)")))
                .isEqualTo("travel/payouts transfers/users check in date");
    }

    @Test
    void differentSpellingsOfOneNameShareTheId() {
        assertThat(ContextPaths.id(List.of("E-Commerce", "Last-Mile Delivery")))
                .isEqualTo(ContextPaths.id(List.of("e commerce", "LAST mile   delivery.")));
    }

    @Test
    void nameWithoutLetterOrDigitIsRejectedWithTheName() {
        assertThatThrownBy(() -> ContextPaths.id(List.of("Finance", "!!!")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'!!!'");
        assertThatThrownBy(() -> ContextPaths.id(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parentDepthAndSubtreePrefixes() {
        final String id = "finance/payments/refund a payment";
        assertThat(ContextPaths.parentId(id)).isEqualTo("finance/payments");
        assertThat(ContextPaths.parentId("finance")).isNull();
        assertThat(ContextPaths.depth(id)).isEqualTo(3);
        assertThat(ContextPaths.prefix(List.of("Finance", "Payments"))).isEqualTo("finance/payments/");
        assertThat(ContextPaths.isWithin(id, "finance/payments")).isTrue();
        assertThat(ContextPaths.isWithin("finance/payments", "finance/payments")).isTrue();
        assertThat(ContextPaths.isWithin("finance/payouts/list payouts", "finance/pay")).isFalse();
    }

    @Test
    void prefixEndBoundsExactlyTheSubtree() {
        final String prefix = ContextPaths.prefix("finance/payments");
        final String end = ContextPaths.prefixEnd(prefix);
        assertThat("finance/payments/zzz").isGreaterThanOrEqualTo(prefix).isLessThan(end);
        assertThat("finance/payments0").isGreaterThanOrEqualTo(end);
        assertThat("finance/payment").isLessThan(prefix);
    }

    @Property
    void segmentsNeverContainTheSeparatorOrOuterSpaces(@ForAll final String name) {
        final String segment = ContextPaths.segment(name);
        assertThat(segment).doesNotContain("/").doesNotStartWith(" ").doesNotEndWith(" ").doesNotContain("  ");
        assertThat(ContextPaths.segment(segment)).isEqualTo(segment);
    }
}
