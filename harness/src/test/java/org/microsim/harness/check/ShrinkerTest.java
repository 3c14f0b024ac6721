package org.microsim.harness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShrinkerTest {
    @Test
    void keepsTheFirstLineAndOnlyTheLinesTheFailureNeeds() {
        List<String> lines = List.of("boot", "a", "x1", "x2", "b", "x3", "x4", "x5", "c", "x6");
        Shrinker.Oracle needsAandC = (candidate, seed) -> seed == 7 && candidate.getFirst().equals("boot")
                && candidate.contains("a") && candidate.contains("c");
        assertEquals(List.of("boot", "a", "c"), new Shrinker(500).shrink(lines, 7, needsAandC));
    }

    @Test
    void shrinksFaultParametersToTheSmallestThatStillFails() {
        List<String> lines = List.of("boot", "lan user loss=0.4 delay=12ms", "sleep 300ms", "sync");
        Shrinker.Oracle failure = (candidate, seed) -> candidate.stream().anyMatch(l -> l.matches("sleep (\\d+)ms")
                && Integer.parseInt(l.replaceAll("\\D", "")) >= 100);
        assertEquals(List.of("boot", "sleep 150ms"), new Shrinker(500).shrink(lines, 1, failure));
    }

    @Test
    void smallerVariantsHalveAndZeroEachNumberButNotPaths() {
        assertEquals(List.of("lan user loss=0 delay=12ms", "lan user loss=0.2 delay=12ms",
                "lan user loss=0.4 delay=0ms", "lan user loss=0.4 delay=6ms"),
                Shrinker.smallerVariants("lan user loss=0.4 delay=12ms"));
        assertEquals(List.of(), Shrinker.smallerVariants("sleep 0ms"));
    }

    @Test
    void stopsAtTheBudget() {
        Shrinker shrinker = new Shrinker(2);
        List<String> lines = List.of("boot", "1", "2", "3", "4", "5", "6", "7", "8");
        List<String> result = shrinker.shrink(lines, 1, (candidate, seed) -> candidate.contains("1")
                && candidate.contains("8"));
        assertEquals(2, shrinker.runs());
        assertEquals(lines, result, "neither half can go, and the budget ends it there");
    }
}
