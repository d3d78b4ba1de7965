package dev.lakead.sql;

import dev.lakead.LakeadException;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.JavaConverters;
import scala.collection.Seq;

import java.util.List;

/** The arguments of one lakead SQL function call, checked with errors that name the function and the argument. */
final class SqlArguments {
    private final String function;
    private final String usage;
    private final List<Expression> args;

    SqlArguments(String function, String usage, Seq<Expression> args) {
        this.function = function;
        this.usage = usage;
        this.args = JavaConverters.seqAsJavaList(args);
    }

    int size() {
        return args.size();
    }

    Expression get(int i) {
        return args.get(i);
    }

    List<Expression> from(int i) {
        return args.subList(i, args.size());
    }

    /** Fails unless there are between {@code min} and {@code max} arguments. */
    SqlArguments requireCount(int min, int max) {
        if (args.size() < min || args.size() > max) {
            String expected = min == max ? String.valueOf(min) : max == Integer.MAX_VALUE ? "at least " + min
                    : min + " to " + max;
            throw error("takes " + expected + " arguments, got " + args.size());
        }
        return this;
    }

    /** Argument {@code i} (0-based) as a constant string: a bundle URI or a table name is fixed per query. */
    String constantString(int i, String what) {
        Expression e = args.get(i);
        if (!e.foldable() || !e.dataType().equals(DataTypes.StringType)) {
            throw error("argument " + (i + 1) + " (" + what + ") must be a string literal, got "
                    + e.sql());
        }
        Object v = e.eval(null);
        if (v == null || v.toString().isBlank()) {
            throw error("argument " + (i + 1) + " (" + what + ") is empty");
        }
        return v.toString().trim();
    }

    /** A user error naming the function and how it is called. */
    LakeadException error(String message) {
        return new LakeadException(function + ": " + message + "; usage: " + usage);
    }

    /** A user error naming the function, wrapping the cause's message (a bundle that does not load, ...). */
    LakeadException error(String message, Throwable cause) {
        return new LakeadException(function + ": " + message, cause);
    }
}
