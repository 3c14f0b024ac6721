package org.microsim.services.svcman;

import org.microsim.abi.svc.SvcException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.svc.SvcErrorCode;

class DependencyGraphTest {
    private final DependencyGraph g = new DependencyGraph();

    @Test
    void anEdgeClosingACycleIsRefusedWithTheCycleNamed() throws SvcException {
        g.add("a", List.of());
        g.add("b", List.of());
        g.add("c", List.of());
        g.addEdge("b", "c");
        g.addEdge("c", "a");
        SvcException e = assertThrows(SvcException.class, () -> g.addEdge("a", "b"));
        assertEquals(SvcErrorCode.CYCLE, e.error());
        assertEquals("cycle: a -> b -> c -> a", e.getMessage());
        assertEquals(List.of(), g.deps("a"), "the refused edge is not there");
    }

    @Test
    void selfAndUnknownDependenciesAreRefused() throws SvcException {
        g.add("a", List.of());
        assertEquals(SvcErrorCode.BAD_REQUEST, assertThrows(SvcException.class, () -> g.addEdge("a", "a")).error());
        assertEquals(SvcErrorCode.BAD_REQUEST,
                assertThrows(SvcException.class, () -> g.add("b", List.of("b"))).error());
        SvcException unknown = assertThrows(SvcException.class, () -> g.add("b", List.of("a", "zz")));
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE, unknown.error());
        assertEquals(List.of("a"), List.copyOf(g.names()), "nothing of b was added");
        assertEquals(SvcErrorCode.EXISTS, assertThrows(SvcException.class, () -> g.add("a", List.of())).error());
    }

    @Test
    void aDiamondIsOrderedDeterministicallyByName() throws SvcException {
        g.add("root", List.of());
        g.add("right", List.of("root"));
        g.add("left", List.of("root"));
        g.add("top", List.of("left", "right"));
        g.add("aside", List.of());
        assertEquals(List.of("aside", "root", "left", "right", "top"), g.startOrder());
        assertEquals(List.of("root", "left", "right", "top"), g.restartPlan("root"));
        assertEquals(List.of("right", "top"), g.restartPlan("right"));
        assertEquals(List.of("top", "right", "left", "root"), g.stopOrder(List.of("root", "left", "right", "top")));
    }
}
