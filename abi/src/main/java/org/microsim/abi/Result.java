package org.microsim.abi;

import java.util.function.Function;

/**
 * A system call's outcome: a value or a {@link SysError}. Sealed, so callers use pattern matching:
 * <pre>{@code
 * switch (sys.call(h, msg, timeout)) {
 *     case Result.Ok<Message>(var reply) -> ...
 *     case Result.Err<Message>(var error) -> ...
 * }
 * }</pre>
 */
public sealed interface Result<T> {
    record Ok<T>(T value) implements Result<T> {
    }

    record Err<T>(SysError error) implements Result<T> {
    }

    static <T> Result<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Result<T> err(ErrorCode code, String detail) {
        return new Err<>(SysError.of(code, detail));
    }

    static <T> Result<T> err(SysError error) {
        return new Err<>(error);
    }

    default boolean isOk() {
        return this instanceof Ok;
    }

    /** The value, or null on error. */
    default T orNull() {
        return this instanceof Ok<T> ok ? ok.value() : null;
    }

    /** The error, or null on success. */
    default SysError errorOrNull() {
        return this instanceof Err<T> err ? err.error() : null;
    }

    /** The error code, or null on success. */
    default ErrorCode code() {
        return this instanceof Err<T> err ? err.error().code() : null;
    }

    /**
     * The value, or a {@link SysException}. For tasks whose honest answer to a failed system call is to
     * crash and be restarted by their supervisor (the "fault the task" half of Hubris' error split).
     */
    default T orThrow() {
        return switch (this) {
            case Ok<T> ok -> ok.value();
            case Err<T> err -> throw new SysException(err.error());
        };
    }

    default <U> Result<U> map(Function<T, U> f) {
        return switch (this) {
            case Ok<T> ok -> new Ok<>(f.apply(ok.value()));
            case Err<T> err -> new Err<>(err.error());
        };
    }
}
