/* test_fastmath.c: the engine's exp, logistic and tanh against libm in double. */
#include <math.h>

#include "fastmath.h"
#include "testlib.h"

int main(void)
{
    double worst_exp = 0, worst_sig = 0, worst_tanh = 0, worst_tanh_abs = 0;
    for (double x = -87; x <= 88; x += 0.000917) {
        float xf = (float)x;
        double e = exp((double)xf);
        worst_exp = fmax(worst_exp, fabs(ae_expf(xf) - e) / e);
        double s = 1 / (1 + exp(-(double)xf));
        worst_sig = fmax(worst_sig, fabs(ae_sigmoidf(xf) - s) / s);
        double t = tanh((double)xf);
        worst_tanh_abs = fmax(worst_tanh_abs, fabs(ae_tanhf(xf) - t));
        if (fabs(t) > 1e-30) worst_tanh = fmax(worst_tanh, fabs(ae_tanhf(xf) - t) / fabs(t));
    }
    for (double x = -1e-3; x <= 1e-3; x += 1.3e-7) { /* near zero: relative precision */
        float xf = (float)x;
        double t = tanh((double)xf);
        if (xf != 0) worst_tanh = fmax(worst_tanh, fabs(ae_tanhf(xf) - t) / fabs(t));
    }
    printf("worst relative error: exp %.3g sigmoid %.3g tanh %.3g (abs %.3g)\n", worst_exp,
           worst_sig, worst_tanh, worst_tanh_abs);
    CHECK(worst_exp < 4e-7, "exp relative error %g", worst_exp);
    CHECK(worst_sig < 6e-7, "sigmoid relative error %g", worst_sig);
    CHECK(worst_tanh < 6e-7, "tanh relative error %g", worst_tanh);
    CHECK(ae_sigmoidf(-1000.0f) >= 0 && ae_sigmoidf(-1000.0f) < 1e-30f, "sigmoid(-1000)");
    CHECK(ae_sigmoidf(1000.0f) == 1.0f, "sigmoid(1000) = %g", ae_sigmoidf(1000.0f));
    CHECK(ae_tanhf(1000.0f) == 1.0f && ae_tanhf(-1000.0f) == -1.0f, "tanh saturates");
    CHECK(ae_tanhf(0.0f) == 0.0f, "tanh(0)");
    /* a NaN must come out as NaN: the trainer detects divergence by it */
    CHECK(isnan(ae_expf(NAN)) && isnan(ae_sigmoidf(NAN)) && isnan(ae_tanhf(NAN)), "NaN kept");
    return test_done();
}
