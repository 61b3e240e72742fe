"""Speech recognition engines behind one seam."""
