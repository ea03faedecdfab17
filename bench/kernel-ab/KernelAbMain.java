/** See bench/kernel-ab.sh. */
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/** A/B of two builds of the tensor package in one JVM, alternating rounds; medians of ns per call. */
public class KernelAbMain {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[2]);
        Object[] h = new Object[2];
        Method[] m = new Method[2];
        String[] cases = null;
        for (int v = 0; v < 2; v++) {
            ClassLoader l = new URLClassLoader(new URL[] {Path.of(args[v]).toUri().toURL()}, KernelAbMain.class.getClassLoader().getParent());
            Class<?> c = Class.forName("org.circuitscope.tensor.KernelAb", true, l);
            h[v] = c.getConstructor().newInstance();
            m[v] = c.getMethod("time", long.class);
            cases = (String[]) c.getDeclaredField("CASES").get(null);
        }
        for (int wu = 0; wu < 4; wu++) for (int v = 0; v < 2; v++) m[v].invoke(h[v], 100_000_000L);
        double[][][] t = new double[2][cases.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int s = 0; s < 2; s++) {
                int v = (r + s) % 2; // alternate which goes first
                double[] ns = (double[]) m[v].invoke(h[v], 40_000_000L);
                for (int i = 0; i < cases.length; i++) t[v][i][r] = ns[i];
            }
        }
        System.out.printf("%-32s %12s %12s %8s%n", "case", "old ns", "new ns", "new/old");
        for (int i = 0; i < cases.length; i++) {
            double a = median(t[0][i]), b = median(t[1][i]);
            System.out.printf("%-32s %12.0f %12.0f %8.3f%n", cases[i], a, b, b / a);
        }
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
