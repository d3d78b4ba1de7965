package dev.lakead.monitoring;

import java.time.Clock;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * What the monitor takes from its surroundings: environment variables (for env: secrets), the clock, how it
 * waits between retries, and a hook around each sink (tests use it to simulate a crash).
 */
public record MonitorEnvironment(Function<String, String> environment, Clock clock, HttpDelivery.Sleeper sleeper,
                                 UnaryOperator<AlertSink> sinkDecorator) {

    public static MonitorEnvironment system() {
        return new MonitorEnvironment(System::getenv, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()), s -> s);
    }

    public MonitorEnvironment withSinkDecorator(UnaryOperator<AlertSink> decorator) {
        return new MonitorEnvironment(environment, clock, sleeper, decorator);
    }

    public MonitorEnvironment withEnvironment(Function<String, String> env) {
        return new MonitorEnvironment(env, clock, sleeper, sinkDecorator);
    }
}
