"""``lutdnn quantize MODEL --scheme SPEC -o IMAGE [--data DIR]``: write a weight image.

``--data`` is a folder written by ``lutdnn data``; its validation mixtures
(never the test split) choose each layer's knobs, feed error compensation and
calibrate the fraction bits.  Without it the knobs minimise weight MSE and
``--fraction-bits F2,F3`` must be given.
"""

import time
from pathlib import Path

from lutdnn.core.arguments import at_least
from lutdnn.core.errors import CommandError


def _fraction_bits(text):
    try:
        f2, f3 = (int(v) for v in text.split(","))
    except ValueError:
        raise ValueError(text) from None
    return f2, f3


def run(args):
    from lutdnn.model.float_net import load_float_net
    from lutdnn.model.quantize import calibrate, pipeline, schemes
    from lutdnn.model.weight_image import ImageError
    started = time.perf_counter()
    if Path(args.output).is_dir():
        raise CommandError(f"{args.output} is a folder; -o names the weight image file to write")
    try:
        net = load_float_net(args.model)
        layer_schemes = schemes.parse(args.scheme)
        calibration = None
        if args.data:
            calibration = calibrate.validation_inputs(args.data, net.config,
                                                       limit=args.calibration_mixtures)
            print(f"calibration: {len(calibration)} validation frames from {args.data}")
        elif args.fraction_bits is None:
            raise CommandError("give --data DIR (validation mixtures calibrate the formats) "
                               "or --fraction-bits F2,F3")
        q = pipeline.quantize_model(net, layer_schemes, calibration, args.fraction_bits, args.lanes)
    except (FileNotFoundError, ValueError) as err:   # SchemeError, CalibrationError, ImageError, DataError
        raise CommandError(str(err)) from err
    print(q.report())
    try:
        q.image.save(args.output)
    except (OSError, ImageError) as err:
        raise CommandError(f"cannot write {args.output}: {err}") from err
    print(f"wrote {args.output} ({schemes.describe(layer_schemes)}) in {time.perf_counter() - started:.1f} s")
    return 0


def register(sub):
    p = sub.add_parser("quantize", help="quantize a float model into a weight image",
                       description=__doc__.splitlines()[0])
    p.add_argument("model", help="float model (.npz)")
    p.add_argument("--scheme", required=True,
                   help="e.g. 8u, 4rsvb, 4rsvb+ec, 4rsvb/8u, 3km+ec, 4p2, 8u@r32 (docs/quantization.md)")
    p.add_argument("-o", "--output", required=True, help="weight image to write")
    p.add_argument("--data", help="folder written by 'lutdnn data' (its validation split calibrates)")
    p.add_argument("--calibration-mixtures", type=at_least(int, 1), default=None, metavar="N",
                   help="use only the first N validation mixtures")
    p.add_argument("--fraction-bits", type=_fraction_bits, metavar="F2,F3",
                   help="layer output fraction bits when no --data is given")
    p.add_argument("--lanes", type=at_least(int, 1), default=16, help="MAC lanes P of the target hardware (default 16)")
    p.set_defaults(func=run)
