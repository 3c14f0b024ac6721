package org.microsim.harness.check;

import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;

/**
 * One slice of a campaign's seeds, so that many machines share a campaign without talking to each other: shard
 * K of N (1-based) runs the seeds whose offset from the first seed is K-1 modulo N. Round robin rather than
 * blocks, so each shard gets early and late seeds alike and a time budget cuts all shards evenly.
 *
 * <p>{@code --shard N} alone takes K from the environment: {@code JOB_COMPLETION_INDEX} (a Kubernetes Indexed
 * Job) or {@code SLURM_ARRAY_TASK_ID} (a Slurm array {@code --array=0-N-1}), both counting from 0.
 *
 * @param index K, from 1 to N
 * @param count N
 */
public record Shard(int index, int count) {
    /** The whole campaign: shard 1 of 1. */
    public static final Shard ALL = new Shard(1, 1);
    private static final String[] INDEX_VARIABLES = {"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"};

    /** A bad {@code --shard}: the message says why. */
    public static final class BadShard extends Exception {
        BadShard(String message) {
            super(message, null, false, false);
        }
    }

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new IllegalArgumentException("shard " + index + "/" + count);
        }
    }

    /**
     * Parses {@code K/N}, or {@code N} with K from the environment.
     *
     * @throws BadShard if it is neither, or K is out of range
     */
    public static Shard parse(String word, Map<String, String> environment) throws BadShard {
        String[] parts = word.split("/", -1);
        try {
            if (parts.length == 2) {
                return checked(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), word);
            }
            if (parts.length == 1) {
                int count = Integer.parseInt(parts[0]);
                for (String variable : INDEX_VARIABLES) {
                    Optional<String> value = Optional.ofNullable(environment.get(variable));
                    if (value.isPresent()) {
                        return checked(Integer.parseInt(value.get().strip()) + 1, count,
                                variable + "=" + value.get() + " of --shard " + word);
                    }
                }
                throw new BadShard("--shard " + word + " needs K/N, or JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID "
                        + "set to pick K");
            }
        } catch (NumberFormatException e) {
            throw new BadShard("--shard: '" + word + "' is not K/N (for example 2/8), or a variable is not a number");
        }
        throw new BadShard("--shard: '" + word + "' is not K/N (for example 2/8)");
    }

    private static Shard checked(int index, int count, String what) throws BadShard {
        if (count < 1 || index < 1 || index > count) {
            throw new BadShard("--shard: " + what + " is not a shard K/N with 1 <= K <= N");
        }
        return new Shard(index, count);
    }

    /** The seeds of this shard among {@code first..last}. */
    LongStream seeds(long first, long last) {
        return LongStream.rangeClosed(first, last).filter(seed -> Math.floorMod(seed - first, count) == index - 1);
    }
}
