package dev.lakead.jobs;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a job option as a shorthand for a setting: when the user gives the option, its value overrides that
 * setting (arrays are joined with commas). Options without it are the job's own.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface SettingKey {
    String value();
}
