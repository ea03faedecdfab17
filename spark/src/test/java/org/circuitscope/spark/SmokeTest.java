package org.circuitscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void local() throws Exception {
        try (SparkSession s = SparkSession.builder().master("local[2]").appName("smoke")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").getOrCreate()) {
            var jsc = JavaSparkContext.fromSparkContext(s.sparkContext());
            assertEquals(10, jsc.parallelize(List.of(1,2,3,4,5,6,7,8,9,10), 4).map(x -> x * 2).count());
        }
    }
}
