package org.microsim.harness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardTest {
    @Test
    void shardsOneToNCoverEverySeedExactlyOnce() {
        for (int n = 1; n <= 9; n++) {
            for (long first : new long[] {1, 7, 1000}) {
                long last = first + 100 + n;
                List<Long> all = new ArrayList<>();
                for (int k = 1; k <= n; k++) {
                    new Shard(k, n).seeds(first, last).forEach(all::add);
                }
                Set<Long> distinct = new HashSet<>(all);
                assertEquals(all.size(), distinct.size(), "a seed in two shards of " + n);
                assertEquals(last - first + 1, all.size(), "every seed of " + first + ".." + last + " in " + n + " shards");
                assertTrue(all.stream().allMatch(s -> s >= first && s <= last));
            }
        }
    }

    @Test
    void takesItsIndexFromKubernetesOrSlurmCountingFromZero() throws Exception {
        assertEquals(new Shard(3, 4), Shard.parse("4", Map.of("JOB_COMPLETION_INDEX", "2")));
        assertEquals(new Shard(1, 4), Shard.parse("4", Map.of("SLURM_ARRAY_TASK_ID", "0")));
        assertEquals(new Shard(2, 5), Shard.parse("2/5", Map.of("JOB_COMPLETION_INDEX", "4")));
    }

    @Test
    void rejectsShardsThatDoNotExist() {
        assertTrue(assertThrows(Shard.BadShard.class, () -> Shard.parse("5/4", Map.of())).getMessage()
                .contains("1 <= K <= N"));
        assertThrows(Shard.BadShard.class, () -> Shard.parse("0/4", Map.of()));
        assertThrows(Shard.BadShard.class, () -> Shard.parse("a/b", Map.of()));
        assertTrue(assertThrows(Shard.BadShard.class, () -> Shard.parse("4", Map.of())).getMessage()
                .contains("JOB_COMPLETION_INDEX"));
        assertThrows(Shard.BadShard.class, () -> Shard.parse("4", Map.of("JOB_COMPLETION_INDEX", "4")));
    }
}
