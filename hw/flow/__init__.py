"""The tool flow around the blocks: conversion, Icarus/Verilator runs, lint, synthesis, the hw command."""
