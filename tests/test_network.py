import pytest
import torch

from lutdnn.model.network import CLAMP, EnhancementNet, NetConfig, load_model, save_model


def test_shapes_are_the_papers():
    net = EnhancementNet()
    assert tuple(net.fc1.weight.shape) == (256, 1032)
    assert tuple(net.fc2.weight.shape) == (129, 256)
    out = net(torch.rand(7, 1032))
    assert out.shape == (7, 129) and torch.all(out >= 0)


def test_clamp_keeps_parameters_in_open_unit_interval():
    net = EnhancementNet()
    with torch.no_grad():
        for p in net.parameters():
            p.mul_(10)
    net.clamp_()
    for p in net.parameters():
        assert p.abs().max().item() <= CLAMP < 1.0


def test_mask_floor_and_modes():
    net = EnhancementNet(NetConfig(mask_floor=0.5))
    with torch.no_grad():
        for p in net.parameters():
            p.zero_()
    mag = torch.full((3, 129), 2.0)
    assert torch.allclose(net.enhance_magnitude(torch.zeros(3, 1032), mag), mag * 0.5)
    with pytest.raises(ValueError, match="output"):
        NetConfig(output="phase")


def test_save_load_round_trip_and_refusals(tmp_path):
    net = EnhancementNet(NetConfig(input_shift=2, mask_floor=0.25))
    path = tmp_path / "m.npz"
    save_model(net, path)
    back = load_model(path)
    assert back.config == net.config
    x = torch.rand(4, 1032)
    assert torch.equal(back(x), net.eval()(x))
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.npz")
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not a readable lutdnn model"):
        load_model(junk)
    torch.save({"format": "other"}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="is a torch .pt model"):
        load_model(tmp_path / "other.pt")
