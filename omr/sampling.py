"""Sampling small patches of a page through a homography, without warping the page.

A bubble is a few millimetres wide, so over one patch the homography is an
affine map: its value and Jacobian at the patch centre.  All patches of a
page are sampled in one :func:`cv2.remap` call (bilinear), which costs a few
hundred microseconds where a full-page warp costs more than decoding.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["apply_homography", "jacobian_scale", "local_affine", "local_scale", "patch_offsets", "sample_patches"]

_MAX_REMAP_ROWS = 32000  # cv2.remap maps must stay below 32767 rows


def apply_homography(h: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Map points (n, 2) through a 3x3 homography; returns (n, 2) float64."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    xyw = pts @ h[:, :2].T + h[:, 2]
    return xyw[:, :2] / xyw[:, 2:3]


def local_affine(h: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Image positions and Jacobians of homography ``h`` at ``points``.

    Returns
    -------
    mapped : ndarray, shape (n, 2)
        ``h`` applied to each point.
    jacobian : ndarray, shape (n, 2, 2)
        d(mapped) / d(point) at each point: rows are (dx, dy) of the output.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    w = pts @ h[2, :2] + h[2, 2]
    mapped = (pts @ h[:2, :2].T + h[:2, 2]) / w[:, None]
    jacobian = (h[None, :2, :2] - mapped[:, :, None] * h[None, 2:3, :2]) / w[:, None, None]
    return mapped, jacobian


def local_scale(h: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Linear scale of homography ``h`` at ``points`` (output units per input unit), shape (n,)."""
    return jacobian_scale(local_affine(h, points)[1])


def jacobian_scale(jacobian: np.ndarray) -> np.ndarray:
    """Linear scale of each (2, 2) Jacobian in a (n, 2, 2) stack: the root of its absolute determinant."""
    det = jacobian[:, 0, 0] * jacobian[:, 1, 1] - jacobian[:, 0, 1] * jacobian[:, 1, 0]
    return np.sqrt(np.abs(det))


def patch_offsets(half_width: float, half_height: float, nx: int, ny: int) -> np.ndarray:
    """A regular grid of (dx, dy) offsets covering [-half_width, half_width] x [-half_height, half_height].

    Returns an array of shape (ny, nx, 2); samples sit at cell centres.
    """
    xs = (np.arange(nx) + 0.5) / nx * 2.0 - 1.0
    ys = (np.arange(ny) + 0.5) / ny * 2.0 - 1.0
    grid = np.stack(np.meshgrid(xs * half_width, ys * half_height), axis=-1)
    return grid.astype(np.float64)


def sample_patches(image: np.ndarray, h: np.ndarray, centres: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Grey values of ``image`` at ``centres + offsets`` mapped through ``h`` (bilinear).

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W)
        The page.
    h : ndarray, shape (3, 3)
        Homography from the centres' frame (e.g. layout mm) to image pixels (x, y).
    centres : ndarray, shape (n, 2)
        Patch centres in the source frame.
    offsets : ndarray, shape (ny, nx, 2)
        Sample offsets from each centre, in the source frame.

    Returns
    -------
    ndarray of uint8, shape (n, ny, nx)
        Samples (bilinear, rounded to the image's grey levels); points outside the image repeat
        the border.  Arithmetic with float32 arrays converts them exactly, without a copy first.
    """
    mapped, jac = local_affine(h, centres)
    affine = np.empty((2, len(mapped), 3), np.float32)  # per axis and patch: (centre, d/dx, d/dy)
    affine[:, :, 0] = mapped.T
    affine[:, :, 1:] = jac.transpose(1, 0, 2)
    grid = offsets.reshape(-1, 2)
    basis = np.empty((3, len(grid)), np.float32)
    basis[0] = 1.0
    basis[1:] = grid.T
    map_x, map_y = np.einsum("cik,kj->cij", affine, basis)  # no BLAS: threads would stall under load
    parts = [
        cv2.remap(image, map_x[i:i + _MAX_REMAP_ROWS], map_y[i:i + _MAX_REMAP_ROWS], cv2.INTER_LINEAR,
                  borderMode=cv2.BORDER_REPLICATE)
        for i in range(0, len(map_x), _MAX_REMAP_ROWS)
    ]
    samples = parts[0] if len(parts) == 1 else np.concatenate(parts)
    return samples.reshape((len(mapped),) + offsets.shape[:2])
